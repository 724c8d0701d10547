import type { RequestHandler } from 'express';
import { prometheus, type MetricsRegistry } from '@coachline/runtime/metrics';

/** Records `http_request_duration_seconds` for API routes (and unmatched requests under `prefix`), labelled by the route pattern, never the raw path. */
export function httpMetrics(registry: MetricsRegistry, prefix: string): RequestHandler {
  const histogram = new prometheus.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const under = `${prefix}/`;
  return (req, res, next) => {
    // performance.now() rather than the histogram's startTimer, which allocates an hrtime pair, a closure and a merged labels object per request.
    const started = performance.now();
    res.on('finish', () => {
      // Routes are also reachable without the prefix (the version named in a header), so a matched route counts either way.
      const route = (res.locals.route as string | undefined) ?? (req.url.startsWith(under) ? 'unmatched' : undefined);
      if (route) histogram.observe({ method: req.method, route, status: String(res.statusCode) }, (performance.now() - started) / 1000);
    });
    next();
  };
}

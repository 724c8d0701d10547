import http from 'node:http';
import type { Registry } from 'prom-client';

/** A named dependency check; it resolves when the dependency answers. */
export type HealthChecks = Record<string, () => Promise<void>>;

/**
 * Kubernetes gives a probe 1 s by default: every check is cut at 800 ms, so
 * readiness answers in time even while Postgres or Redis does not.
 */
export const CHECK_TIMEOUT_MS = 800;

async function runCheck(check: () => Promise<void>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** `{ status, checks }` and whether every check is up. */
export async function readiness(checks: HealthChecks): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name]!)));
  const entries = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  const ok = results.every((r) => r === 'up');
  return { ok, body: { status: ok ? 'ready' : 'not_ready', checks: entries } };
}

/**
 * Handles /health, /health/ready and /metrics for any node:http or Express
 * server; returns false for other paths.
 */
export function createHealthHandler(checks: HealthChecks, registry: Registry) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/health') {
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      return true;
    }
    if (path === '/health/ready') {
      const { ok, body } = await readiness(checks);
      send(res, ok ? 200 : 503, 'application/json', JSON.stringify(body));
      return true;
    }
    if (path === '/metrics') {
      send(res, 200, registry.contentType, await registry.metrics());
      return true;
    }
    return false;
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** The small side server that workers expose their health and metrics on. */
export function startHealthServer(port: number, checks: HealthChecks, registry: Registry): Promise<http.Server> {
  const handle = createHealthHandler(checks, registry);
  const server = http.createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (!handled) send(res, 404, 'application/json', JSON.stringify({ status: 'not_found' }));
      })
      .catch(() => send(res, 500, 'application/json', JSON.stringify({ status: 'error' })));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

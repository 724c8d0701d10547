import { context, propagation } from '@opentelemetry/api';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint, e.g. the collector of docker-compose; tracing stays off without it. */
  endpoint?: string;
  enabled: boolean;
}

/**
 * Starts OpenTelemetry before the app's modules do real work. Returns the
 * shutdown function (a no-op when tracing is off). The SDK and its
 * instrumentations are loaded only when tracing is on: they hold about 18 MB of
 * heap that every garbage collection would otherwise walk.
 */
export function startTracing(options: TracingOptions): () => Promise<void> {
  if (!options.enabled || !options.endpoint) return async () => undefined;
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node') as typeof import('@opentelemetry/auto-instrumentations-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` }),
    instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-fs': { enabled: false } })],
  });
  sdk.start();
  return () => sdk.shutdown();
}

/** The W3C traceparent of the active span, to carry across a queue. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `fn` inside the trace context a job carried. */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  if (!traceparent) return fn();
  const extracted = propagation.extract(context.active(), { traceparent });
  return context.with(extracted, fn);
}

import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { context, propagation } from '@opentelemetry/api';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint, e.g. the collector of docker-compose; tracing stays off without it. */
  endpoint?: string;
  enabled: boolean;
}

/**
 * Starts OpenTelemetry before the app's modules do real work. Returns the
 * shutdown function (a no-op when tracing is off).
 */
export function startTracing(options: TracingOptions): () => Promise<void> {
  if (!options.enabled || !options.endpoint) return async () => undefined;
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

import { startTracing } from '@coachline/runtime/tracing';
import { loadGatewayConfig } from './config';

/**
 * Imported first by main.ts: the instrumentations patch modules as they are
 * first required, so tracing starts before pg, express and ioredis load.
 */
const config = loadGatewayConfig();
export const stopTracing = startTracing({ serviceName: 'api-gateway', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, enabled: config.OTEL_ENABLED });

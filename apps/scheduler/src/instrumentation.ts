import { startTracing } from '@coachline/runtime/tracing';
import { loadAppConfig } from './config';

/**
 * Imported first by main.ts: the instrumentations patch modules as they are
 * first required, so tracing starts before pg, express and ioredis load.
 */
const config = loadAppConfig();
export const stopTracing = startTracing({ serviceName: 'scheduler', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, enabled: config.OTEL_ENABLED });

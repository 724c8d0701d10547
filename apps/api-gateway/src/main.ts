// First: tracing must start before the modules it instruments are loaded.
import { stopTracing } from './instrumentation';
import { createLogger } from '@coachline/runtime/logger';
import { registerShutdown } from '@coachline/runtime/shutdown';
import { createApp } from './app';
import { loadGatewayConfig } from './config';
import { createGatewayDeps } from './deps';
import { createHttpServer } from './http/server';

const config = loadGatewayConfig();
const logger = createLogger('api-gateway', config.LOG_LEVEL);
const { deps, close } = createGatewayDeps(config, logger);

// Media routes need the bucket; everything else works without it, so a store that is down only logs.
deps.storage.ensureBucket(config.CORS_ORIGINS).catch((error: unknown) => logger.warn('media bucket is not ready', { error: error instanceof Error ? error.message : String(error) }));

const app = createApp(deps);
const server = createHttpServer(app).listen(config.PORT, () => logger.info('api-gateway listening', { port: config.PORT }));

registerShutdown(logger, [
  { name: 'http', close: () => new Promise((resolve) => server.close(() => resolve(undefined))) },
  { name: 'connections', close },
  { name: 'tracing', close: stopTracing },
]);

import type { Logger } from '@coachline/runtime/logger';
import type { Closer } from '@coachline/runtime/shutdown';
import { createApp } from './app';
import type { GatewayConfig } from './config';
import { createGatewayDeps } from './deps';
import { createHttpServer } from './http/server';

/** Serves the API on PORT; main.ts loads this module once tracing is on. */
export async function start(config: GatewayConfig, logger: Logger): Promise<Closer[]> {
  const { deps, close } = createGatewayDeps(config, logger);

  // Media routes need the bucket; everything else works without it, so a store that is down only logs.
  deps.storage.ensureBucket(config.CORS_ORIGINS).catch((error: unknown) => logger.warn('media bucket is not ready', { error: error instanceof Error ? error.message : String(error) }));

  const server = createHttpServer(createApp(deps));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info('api-gateway listening', { port: config.PORT });

  return [
    { name: 'http', close: () => new Promise((resolve) => server.close(() => resolve(undefined))) },
    { name: 'connections', close },
  ];
}

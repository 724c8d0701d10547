// First: tracing must start before the modules it instruments are loaded.
import { stopTracing } from './instrumentation';
import { createDatabase, databaseOptions } from '@coachline/db/database';
import { startHealthServer } from '@coachline/runtime/health';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { checkRedis, createRedis } from '@coachline/runtime/redis';
import { registerShutdown } from '@coachline/runtime/shutdown';
import { createStorage } from '@coachline/runtime/storage';
import { loadAppConfig } from './config';
import { createScheduler } from './scheduler';
import { startRelay } from './relay/relay.module';

const config = loadAppConfig();
const logger = createLogger('scheduler', config.LOG_LEVEL);
const db = createDatabase(databaseOptions(config, 'scheduler'));
const redis = createRedis(config.REDIS_URL);
const metrics = createMetricsRegistry('scheduler');
const storage = createStorage(config);
const scheduler = createScheduler({ config, db, redis, logger, storage });

async function main() {
  const health = await startHealthServer(config.HEALTH_PORT, { db: () => db.ping(), redis: () => checkRedis(redis) }, metrics);
  await scheduler.start();
  const relay = startRelay(config, { db, redis, logger, registry: metrics });
  logger.info('scheduler started', { healthPort: config.HEALTH_PORT });
  registerShutdown(logger, [
    { name: 'relay', close: () => relay.close() },
    { name: 'scheduler', close: () => scheduler.close() },
    { name: 'health', close: () => new Promise((resolve) => health.close(() => resolve(undefined))) },
    { name: 'redis', close: () => redis.quit() },
    { name: 'storage', close: async () => storage.close() },
    { name: 'postgres', close: () => db.close() },
    { name: 'tracing', close: stopTracing },
  ]);
}

main().catch((error: unknown) => {
  logger.error('failed to start', { error: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});

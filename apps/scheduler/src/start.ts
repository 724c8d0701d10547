import { createDatabase, databaseOptions } from '@coachline/db/database';
import { startHealthServer } from '@coachline/runtime/health';
import type { Logger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { checkRedis, createRedis } from '@coachline/runtime/redis';
import type { Closer } from '@coachline/runtime/shutdown';
import { createStorage } from '@coachline/runtime/storage';
import type { Config } from './config';
import { startRelay } from './relay/relay.module';
import { createScheduler } from './scheduler';

/** Runs the outbox relay and the recurring jobs; main.ts loads this module once tracing is on. */
export async function start(config: Config, logger: Logger): Promise<Closer[]> {
  const db = createDatabase(databaseOptions(config, 'scheduler'));
  const redis = createRedis(config.REDIS_URL);
  const metrics = createMetricsRegistry('scheduler');
  const storage = createStorage(config);
  const scheduler = createScheduler({ config, db, redis, logger, storage, metrics });

  let relaying = false;
  // Ready only once the relay runs: before that, events would wait in the outbox behind a replica that reports ready.
  const relayRunning = async () => {
    if (!relaying) throw new Error('relay not started');
  };
  const health = await startHealthServer(config.HEALTH_PORT, { db: () => db.ping(), redis: () => checkRedis(redis), relay: relayRunning }, metrics);
  await scheduler.start();
  const relay = startRelay(config, { db, redis, logger, registry: metrics });
  relaying = true;
  logger.info('scheduler started', { healthPort: config.HEALTH_PORT });

  return [
    { name: 'relay', close: () => relay.close() },
    { name: 'scheduler', close: () => scheduler.close() },
    { name: 'health', close: () => new Promise((resolve) => health.close(() => resolve(undefined))) },
    { name: 'redis', close: () => redis.quit() },
    { name: 'storage', close: async () => storage.close() },
    { name: 'postgres', close: () => db.close() },
  ];
}

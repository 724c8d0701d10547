import { randomUUID } from 'node:crypto';
import { createDatabase } from '@coachline/db/database';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { TypedQueue } from '@coachline/runtime/queues';
import { createRedis } from '@coachline/runtime/redis';
import { createStorage } from '@coachline/runtime/storage';
import { configSchema } from '../config';
import { createMediaWorker, type MediaWorkerDeps } from '../media-worker';

/**
 * The media-worker over the real Postgres, Redis and S3 that `pnpm test`
 * provides, on a queue prefix of its own so parallel files never share jobs.
 */
export async function startMediaWorker(overrides: Partial<MediaWorkerDeps> = {}) {
  const config = loadConfig(configSchema, { LOG_LEVEL: 'silent' });
  const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 4 });
  const redis = createRedis(config.REDIS_URL);
  const storage = createStorage(config);
  await storage.ensureBucket();
  const prefix = `{test-media-${randomUUID().slice(0, 8)}}`;
  const queue = new TypedQueue('media', redis, prefix);
  const spawned: number[] = [];
  const media = createMediaWorker({
    db,
    storage,
    connection: redis,
    prefix,
    logger: createLogger('media-worker', config.LOG_LEVEL),
    concurrency: 1,
    imageTimeoutMs: 60_000,
    transcodeTimeoutMs: 120_000,
    maxInputPixels: config.MEDIA_MAX_INPUT_PIXELS,
    onSpawn: (pid) => spawned.push(pid),
    ...overrides,
  });
  return {
    db,
    storage,
    queue,
    media,
    spawned,
    async close() {
      await media.close();
      await queue.close();
      await redis.quit().catch(() => undefined);
      storage.close();
      await db.close();
    },
  };
}

export type MediaWorkerHarness = Awaited<ReturnType<typeof startMediaWorker>>;

import { createDatabase, databaseOptions } from '@coachline/db/database';
import { startHealthServer } from '@coachline/runtime/health';
import type { Logger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { stallSettings } from '@coachline/runtime/queue-consumer';
import { checkRedis, createRedis } from '@coachline/runtime/redis';
import type { Closer } from '@coachline/runtime/shutdown';
import { createStorage } from '@coachline/runtime/storage';
import type { Config } from './config';
import { createMediaWorker } from './media-worker';

/** Consumes the media queue; main.ts loads this module once tracing is on. */
export async function start(config: Config, logger: Logger): Promise<Closer[]> {
  const db = createDatabase(databaseOptions(config, 'media-worker'));
  const redis = createRedis(config.REDIS_URL);
  const metrics = createMetricsRegistry('media-worker');
  const storage = createStorage(config);

  await storage.ensureBucket();
  const media = createMediaWorker({
    db,
    storage,
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    logger,
    metrics,
    concurrency: config.MEDIA_WORKER_CONCURRENCY,
    stall: stallSettings(config),
    imageTimeoutMs: config.MEDIA_IMAGE_TIMEOUT_MS,
    transcodeTimeoutMs: config.MEDIA_TRANSCODE_TIMEOUT_MS,
    maxInputPixels: config.MEDIA_MAX_INPUT_PIXELS,
    ffmpegPath: config.FFMPEG_PATH,
    ffprobePath: config.FFPROBE_PATH,
    tmpDir: config.MEDIA_TMP_DIR,
  });
  const health = await startHealthServer(
    config.HEALTH_PORT,
    { db: () => db.ping(), redis: () => checkRedis(redis), storage: () => storage.ping() },
    metrics,
  );
  logger.info('media-worker started', { healthPort: config.HEALTH_PORT, concurrency: config.MEDIA_WORKER_CONCURRENCY });

  return [
    { name: 'worker', close: () => media.close() },
    { name: 'health', close: () => new Promise((resolve) => health.close(() => resolve(undefined))) },
    { name: 'redis', close: () => redis.quit() },
    { name: 'postgres', close: () => db.close() },
    { name: 'storage', close: () => storage.close() },
  ];
}

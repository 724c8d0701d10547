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
import { createMediaWorker } from './media-worker';

const config = loadAppConfig();
const logger = createLogger('media-worker', config.LOG_LEVEL);
const db = createDatabase(databaseOptions(config, 'media-worker'));
const redis = createRedis(config.REDIS_URL);
const metrics = createMetricsRegistry('media-worker');
const storage = createStorage(config);

async function main() {
  await storage.ensureBucket();
  const media = createMediaWorker({
    db,
    storage,
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    logger,
    metrics,
    concurrency: config.MEDIA_WORKER_CONCURRENCY,
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
  registerShutdown(logger, [
    { name: 'worker', close: () => media.close() },
    { name: 'health', close: () => new Promise((resolve) => health.close(() => resolve(undefined))) },
    { name: 'redis', close: () => redis.quit() },
    { name: 'postgres', close: () => db.close() },
    { name: 'storage', close: () => storage.close() },
    { name: 'tracing', close: stopTracing },
  ]);
}

main().catch((error: unknown) => {
  logger.error('failed to start', { error: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});

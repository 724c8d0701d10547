import { Queue } from 'bullmq';
import { createDatabase } from '@coachline/db/database';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';
import { createStorage } from '@coachline/runtime/storage';
import { eventually } from '@coachline/testing/eventually';
import { createScheduler } from './scheduler';
import { obliterateQueues, testConfig } from './testing/fixtures';

const config = testConfig();
const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 2 });
const redis = createRedis(config.REDIS_URL);
const storage = createStorage(config);

afterAll(async () => {
  await obliterateQueues(redis, config.QUEUE_PREFIX);
  storage.close();
  await redis.quit();
  await db.close();
});

const sample = (scrape: string, series: string) => {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test('/metrics reports each queue depth from Redis and the outcomes of the jobs this process ran', async () => {
  const metrics = createMetricsRegistry('scheduler');
  const scheduler = createScheduler({ config, db, redis, logger: createLogger('scheduler-test', 'silent'), storage, metrics });
  // Three jobs wait on a queue nobody in this test consumes: the depth counts them.
  const media = new Queue('media', { connection: redis, prefix: config.QUEUE_PREFIX });
  try {
    await scheduler.start();
    for (let i = 0; i < 3; i += 1) await media.add('process', { assetId: `waiting-${i}` });
    // One maintenance job that completes, one whose payload can never parse (straight to the failed set).
    await scheduler.maintenance.add('archive-audit-events', {});
    await scheduler.maintenance.queue.add('purge-expired', null);

    const scrape = await eventually(async () => {
      const text = await metrics.metrics();
      const completed = sample(text, 'queue_jobs_processed_total{queue="maintenance",outcome="completed",service="scheduler"}');
      const failed = sample(text, 'queue_jobs_processed_total{queue="maintenance",outcome="failed",service="scheduler"}');
      return completed === 1 && failed === 1 && text;
    }, 'both maintenance jobs finished');
    expect(sample(scrape, 'bullmq_queue_jobs{queue="media",state="waiting",service="scheduler"}')).toBe(3);
    expect(sample(await metrics.metrics(), 'bullmq_queue_jobs{queue="maintenance",state="failed",service="scheduler"}')).toBe(1);
  } finally {
    await media.close();
    await scheduler.close();
  }
});

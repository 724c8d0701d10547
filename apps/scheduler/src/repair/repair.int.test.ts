import { Queue, Worker } from 'bullmq';
import { createDatabase } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { coachingSessions } from '@coachline/db/schema/index';
import { createLogger } from '@coachline/runtime/logger';
import { createRedis } from '@coachline/runtime/redis';
import { createStorage } from '@coachline/runtime/storage';
import { reminderJobId } from '../reminders/reminder.service';
import { createScheduler } from '../scheduler';
import { obliterateQueues, tenantFixture, testConfig } from '../testing/fixtures';

const config = testConfig({ SCHEDULER_REPAIR_INTERVAL_MS: '300' });
const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 4 });
const redis = createRedis(config.REDIS_URL);
const logger = createLogger('scheduler-test', 'silent');
const storage = createStorage(config);

afterAll(async () => {
  await obliterateQueues(redis, config.QUEUE_PREFIX);
  storage.close();
  await redis.quit();
  await db.close();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('reminders and recurring jobs flushed from Redis come back while the scheduler keeps running', async () => {
  const { tenantId, coach, athletes } = await tenantFixture(db, 1);
  const sessionId = newId();
  const startsAt = new Date(Date.now() + 3 * 86_400_000);
  await db.withTenant({ tenantId }, (tx) =>
    tx.insert(coachingSessions).values({ tenantId, id: sessionId, coachId: coach.id, athleteId: athletes[0]!.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), status: 'scheduled', createdBy: coach.id }),
  );
  const scheduler = createScheduler({ config, db, redis, logger, storage });
  const notifications = new Queue('notifications', { connection: redis, prefix: config.QUEUE_PREFIX });
  try {
    await scheduler.start();
    await scheduler.swept();
    const reminderIds = [reminderJobId(sessionId, 1440), reminderJobId(sessionId, 60)];
    const delayed = async () => (await Promise.all(reminderIds.map((id) => notifications.getJob(id)))).every((job) => job !== undefined);
    expect(await delayed()).toBe(true);

    // What a flushed or failed-over Redis leaves: no delayed reminders, no job schedulers.
    await notifications.clean(0, 0, 'delayed');
    for (const name of ['purge-expired', 'abort-abandoned-uploads']) await scheduler.maintenance.queue.removeJobScheduler(name);
    expect(await notifications.getJob(reminderIds[0]!)).toBeUndefined();

    await eventually('reminders re-derived from Postgres', delayed);
    const restored = await notifications.getJob(reminderIds[1]!);
    expect(restored).toMatchObject({ name: 'session.reminder', data: { tenantId, sessionId, offsetMinutes: 60 } });
    expect(await restored!.getState()).toBe('delayed');
    await eventually('job schedulers upserted again', async () => (await scheduler.maintenance.queue.getJobSchedulers()).length === 7);
  } finally {
    await scheduler.close();
    await notifications.close();
  }
});

test('a job that failed every attempt on an unreachable database is retried once the database is back; other failures are left alone', async () => {
  let outage = true;
  const media = new Queue('media', { connection: redis, prefix: config.QUEUE_PREFIX });
  const workerConnection = redis.duplicate();
  const worker = new Worker(
    'media',
    async (job) => {
      if (job.name === 'broken') throw new Error('Malformed process job, its payload is invalid');
      if (outage) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return 'processed';
    },
    { connection: workerConnection, prefix: config.QUEUE_PREFIX },
  );
  const scheduler = createScheduler({ config: { ...config, SCHEDULER_REPAIR_INTERVAL_MS: 300 }, db, redis, logger, storage });
  try {
    const victim = await media.add('process', { tenantId: newId(), mediaId: newId(), reason: 'upload' }, { attempts: 2 });
    const broken = await media.add('broken', {}, { attempts: 1 });
    await eventually('both jobs failed', async () => (await victim.getState()) === 'failed' && (await broken.getState()) === 'failed');

    outage = false;
    await scheduler.start();
    await eventually('the outage victim completed', async () => (await media.getJob(victim.id!))?.returnvalue === 'processed');
    expect(await broken.getState()).toBe('failed');
  } finally {
    await scheduler.close();
    await worker.close();
    await workerConnection.quit();
    await media.close();
  }
});

import { reminderJobId } from '@coachline/scheduler/reminders/reminder.service';
import { eventually } from '@coachline/testing/eventually';
import { Redis } from 'ioredis';
import type { ApiClient, ApiUser } from '../testing/api-client';
import type { AppProcess } from '../testing/app-process';
import { inLanes, offending, startProcessStack, type ProcessStack } from '../testing/process-stack';
import { startRedisProcess } from '../testing/redis-process';

/**
 * Redis loses everything under running processes: restarted empty (a crash
 * with no persistence, a failover to an empty replica), or flushed. Writes go
 * on (the outbox is in Postgres), the relay's reconciler publishes again what
 * was published and lost, and the scheduler's repair loop re-derives session
 * reminders and the recurring jobs' schedulers from Postgres without a restart.
 */
let redis: Awaited<ReturnType<typeof startRedisProcess>>;
let stack: ProcessStack;
let api: ApiClient;
let apps: AppProcess[];
let team: { coach: ApiUser; athletes: ApiUser[]; spaceId: string; sessions: string[] };
/** The recurring jobs' schedulers the scheduler made at its start. */
let recurring: string[];
const OFFSETS = [1440, 60];
const schedulerKeys = async () => (await stack.queue('maintenance').getJobSchedulers()).map((s) => s.key).sort();

beforeAll(async () => {
  redis = await startRedisProcess();
  stack = await startProcessStack({ redisUrl: redis.url, env: { OUTBOX_RECONCILE_AFTER_SECONDS: '2', OUTBOX_RECONCILE_INTERVAL_MS: '1000' } });
  apps = await Promise.all([stack.start('api-gateway'), stack.start('scheduler'), stack.start('notifications-worker')]);
  api = stack.api(apps[0]!);
  const { coach, athletes } = await api.team(2);
  const spaceId = await api.space(coach, athletes);
  for (const athlete of athletes) await stack.addDevice(athlete);
  // Two sessions three days out, each with a reminder a day and an hour before.
  const trainer = await api.addMember(coach, 'COACH');
  const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
  expect((await api.request('PUT', `/v1/coaches/${trainer.id}/availability`, { user: trainer, body: { timezone: 'UTC', slotMinutes: 30, rules: allWeek } })).status).toBe(200);
  const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3 * 86_400_000;
  const sessions: string[] = [];
  for (const [i, athlete] of athletes.entries()) {
    const booked = await api.request('POST', '/v1/sessions', { user: athlete, body: { coachId: trainer.id, start: new Date(day + (10 + i) * 3_600_000).toISOString() } });
    expect(booked.status).toBe(201);
    sessions.push(booked.body.id as string);
  }
  team = { coach, athletes, spaceId, sessions };
  await eventually(async () => (await missingReminders()).length === 0, 'the reminders to be scheduled');
  recurring = await schedulerKeys();
  expect(recurring.length).toBeGreaterThan(0);
}, 120_000);
afterAll(async () => {
  await redis?.start().catch(() => undefined);
  await stack?.close();
  await redis?.stop();
}, 60_000);

async function missingReminders(): Promise<string[]> {
  const queue = stack.queue('notifications');
  const ids = team.sessions.flatMap((sessionId) => OFFSETS.map((offset) => reminderJobId(sessionId, offset)));
  const found = await Promise.all(ids.map(async (id) => ((await queue.getJob(id))?.delay ? undefined : id)));
  return found.filter((id): id is string => id !== undefined);
}

async function expectEverythingBack(postCount: number) {
  const counts = await stack.delivered(team.coach.tenantId, team.athletes, 90_000);
  expect(counts.inApp.expected).toHaveLength(postCount * 2);
  expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
  await eventually(async () => (await missingReminders()).length === 0, 'the session reminders to come back');
  await eventually(async () => (await schedulerKeys()).join() === recurring.join(), "the recurring jobs' schedulers to come back");
  expect(apps.filter((app) => app.child.exitCode !== null || app.child.signalCode !== null).map((app) => app.name)).toEqual([]);
}

const post = async (i: number) => {
  expect((await api.post(team.coach, team.spaceId, `post ${i}`)).status).toBe(201);
};

test('Redis restarted empty mid-burst: every post still answers 201 and arrives once, reminders and schedulers come back', async () => {
  let outage: Promise<void> | undefined;
  let acceptedWhileDown = 0;
  let down = false;
  await inLanes(
    Array.from({ length: 30 }, (_, i) => i),
    3,
    async (i) => {
      await post(i);
      if (down) acceptedWhileDown++;
    },
    (done) => {
      if (outage || done < 10) return;
      outage = (async () => {
        await redis.stop();
        down = true;
        await eventually(() => acceptedWhileDown >= 3, 'posts accepted while Redis is down');
        down = false;
        await redis.start();
      })();
    },
  );
  await outage;
  expect(acceptedWhileDown).toBeGreaterThanOrEqual(3);
  await expectEverythingBack(30);
}, 180_000);

test('Redis flushed mid-burst while the scheduler keeps running: every post arrives once, reminders and schedulers come back', async () => {
  const admin = new Redis(redis.url);
  try {
    let flushed: Promise<unknown> | undefined;
    await inLanes(
      Array.from({ length: 20 }, (_, i) => 100 + i),
      3,
      post,
      (done) => {
        if (!flushed && done >= 8) flushed = admin.flushall();
      },
    );
    expect(await flushed).toBe('OK');
    await expectEverythingBack(50);
  } finally {
    admin.disconnect();
  }
}, 180_000);

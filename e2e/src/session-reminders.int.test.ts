import { startGateway, type Gateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { sql } from '@coachline/db/database';
import type { EventEnvelope } from '@coachline/domain/events';
import { Worker } from 'bullmq';
import { createLogger } from '@coachline/runtime/logger';
import { consumeQueue } from '@coachline/runtime/queue-consumer';
import { TypedQueue } from '@coachline/runtime/queues';
import { createRedis } from '@coachline/runtime/redis';
import { remindersHandlers } from '@coachline/scheduler/handlers/reminders.handlers';
import { reminderJobId, ReminderService } from '@coachline/scheduler/reminders/reminder.service';
import { obliterateQueues, testConfig } from '@coachline/scheduler/testing/fixtures';
import { eventually } from '@coachline/testing/eventually';

/**
 * Booking over HTTP -> outbox -> reminders queue -> delayed session.reminder
 * jobs on the notifications queue. The outbox relay is stood in for by
 * `relay()` below, which publishes the tenant's session events the way the
 * relay does (one `event` job per subscribing queue).
 */
const config = testConfig({ REMINDER_OFFSETS_MINUTES: '2,1' });
const prefix = config.QUEUE_PREFIX;
const redis = createRedis(config.REDIS_URL);
const logger = createLogger('e2e', 'silent');
let gw: Gateway;
let notifications: TypedQueue<'notifications'>;
let remindersQueue: TypedQueue<'reminders'>;
/** Closed in afterAll, so a failing test cannot leave a worker running. */
const running = new Set<{ close(): Promise<void> }>();
function started<W extends { close(): Promise<void> }>(worker: W): W {
  running.add(worker);
  return worker;
}

beforeAll(async () => {
  gw = await startGateway();
  notifications = new TypedQueue('notifications', redis, prefix);
  remindersQueue = new TypedQueue('reminders', redis, prefix);
});
afterAll(async () => {
  for (const worker of running) await worker.close();
  await notifications.close();
  await remindersQueue.close();
  await obliterateQueues(redis, prefix);
  await redis.quit();
  await gw.close();
});

/** Publishes the tenant's unpublished session events to the reminders queue, as the outbox relay does. */
async function relay(tenantId: string): Promise<void> {
  const rows = await gw.deps.db.withTenant({ tenantId }, async (tx) => {
    const result = await tx.execute(sql`UPDATE outbox_events SET published_at = now()
      WHERE tenant_id = ${tenantId}::uuid AND published_at IS NULL AND type LIKE 'session.%'
      RETURNING id, tenant_id, type, payload, created_at, request_id`);
    return result.rows as Array<{ id: string; tenant_id: string; type: EventEnvelope['type']; payload: Record<string, unknown>; created_at: Date | string; request_id: string | null }>;
  });
  for (const row of rows) {
    const envelope = { id: row.id, tenantId: row.tenant_id, type: row.type, payload: row.payload, occurredAt: new Date(row.created_at).toISOString(), requestId: row.request_id ?? undefined };
    await remindersQueue.add('event', envelope, { jobId: `${row.id}.reminders` });
  }
}

const jobsOf = async (sessionId: string) => (await Promise.all([2, 1].map((offset) => notifications.queue.getJob(reminderJobId(sessionId, offset))))).filter((j) => j !== undefined);

test('reminders are delayed jobs that fire at start minus each offset, vanish on cancel, come back by sweep and outlive restarts', async () => {
  const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const coach2 = await gw.addMember(admin, 'COACH');
  const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
  for (const c of [coach, coach2]) await gw.http().put(`/v1/coaches/${c.id}/availability`).set(gw.auth(c)).send({ timezone: 'UTC', slotMinutes: 30, rules: allWeek });
  const book = async (who: TestUser, start: Date, withCoach = coach) => {
    const res = await gw.http().post('/v1/sessions').set(gw.auth(who)).send({ coachId: withCoach.id, start: start.toISOString() });
    if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; start: string };
  };

  const reminders = new ReminderService(gw.deps.db, notifications, config.REMINDER_OFFSETS_MINUTES);
  let reminderWorker = started(consumeQueue('reminders', remindersHandlers({ reminders, logger }), { connection: redis, prefix, logger }));

  // B (with the other coach) has its 2-minute reminder due a little before A's.
  const now = Date.now();
  const sessionB = await book(athlete2, new Date(now + 135_000), coach2);
  const sessionA = await book(athlete, new Date(now + 137_000));
  await relay(coach.tenantId);

  const [a2, a1] = await eventually(async () => {
    const jobs = await jobsOf(sessionA.id);
    return jobs.length === 2 && jobs;
  }, 'both reminders of A', 40_000);
  await eventually(async () => (await jobsOf(sessionB.id)).length === 2, 'both reminders of B', 40_000);
  for (const [job, offset] of [[a2!, 2], [a1!, 1]] as const) {
    expect(job.name).toBe('session.reminder');
    expect(job.data).toMatchObject({ tenantId: coach.tenantId, sessionId: sessionA.id, offsetMinutes: offset });
    expect(await job.getState()).toBe('delayed');
    // Due at the session's start minus the offset.
    expect(Math.abs(job.timestamp + job.delay - (Date.parse(sessionA.start) - offset * 60_000))).toBeLessThan(1_000);
  }

  // A redelivered event adds nothing.
  const [scheduledA] = await gw.deps.db.withTenant({ tenantId: coach.tenantId }, async (tx) => (await tx.execute(sql`SELECT id FROM outbox_events WHERE tenant_id = ${coach.tenantId}::uuid AND type = 'session.scheduled' AND payload->>'sessionId' = ${sessionA.id}`)).rows as Array<{ id: string }>);
  await remindersQueue.add('event', { id: scheduledA!.id, tenantId: coach.tenantId, type: 'session.scheduled', payload: { sessionId: sessionA.id }, occurredAt: new Date().toISOString() });

  // Cancelling B removes its reminders.
  expect((await gw.http().post(`/v1/sessions/${sessionB.id}/cancel`).set(gw.auth(athlete2)).send({})).status).toBe(200);
  await relay(coach.tenantId);
  await eventually(async () => (await jobsOf(sessionB.id)).length === 0, "B's reminders removed", 40_000);

  // The scheduler restarts; the reminders are in Redis, not in the process.
  await reminderWorker.close();
  reminderWorker = started(consumeQueue('reminders', remindersHandlers({ reminders, logger }), { connection: redis, prefix, logger }));
  expect(await jobsOf(sessionA.id)).toHaveLength(2);

  // The notifications worker starts only now: A's 2-minute reminder fires at its time, B's never does.
  const fired: Array<{ sessionId: string; offsetMinutes: number }> = [];
  const notificationWorker = started(new Worker(
    'notifications',
    async (job) => {
      if (job.name === 'session.reminder') fired.push({ sessionId: job.data.sessionId, offsetMinutes: job.data.offsetMinutes });
    },
    { connection: redis, prefix },
  ));
  try {
    await eventually(async () => fired.some((f) => f.sessionId === sessionA.id && f.offsetMinutes === 2), "A's 2-minute reminder", 40_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(sessionA.start) - 120_000);
    expect(fired).toEqual([{ sessionId: sessionA.id, offsetMinutes: 2 }]);

    // Rescheduling is cancel and book: the old session's last reminder goes, the new one gets its own.
    await gw.http().post(`/v1/sessions/${sessionA.id}/cancel`).set(gw.auth(athlete)).send({ reason: 'moving it' });
    const moved = await book(athlete, new Date(Date.now() + 3 * 86_400_000));
    await relay(coach.tenantId);
    await eventually(async () => (await jobsOf(moved.id)).length === 2, 'the moved session reminders', 40_000);
    await eventually(async () => (await jobsOf(sessionA.id)).length === 0, "A's 1-minute reminder removed", 40_000);

    // Reminders lost from Redis come back with the start-up sweep, only for sessions still scheduled.
    for (const offset of [2, 1]) await notifications.queue.remove(reminderJobId(moved.id, offset));
    expect(await jobsOf(moved.id)).toHaveLength(0);
    await reminders.sweep();
    expect(await jobsOf(moved.id)).toHaveLength(2);
    expect(await jobsOf(sessionA.id)).toHaveLength(0);
    expect(await jobsOf(sessionB.id)).toHaveLength(0);
    expect(fired.filter((f) => f.sessionId === sessionB.id)).toEqual([]);
  } finally {
    await notificationWorker.close();
    await reminderWorker.close();
    running.clear();
  }
}, 120_000);

import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { emit } from '@coachline/db/outbox';
import type { ServerToClientEvents } from '@coachline/domain/socket';
import { addDays, DEFAULT_TRIAGE_THRESHOLDS } from '@coachline/domain/triage';
import { TriageDetector } from '@coachline/scheduler/analytics/triage-detector';
import { TypedQueue } from '@coachline/runtime/queues';
import { eventually } from '@coachline/testing/eventually';
import { startLiveRealtime, type LiveRealtime } from './testing/live-realtime';
import { startEventStack, type EventStack } from './testing/event-stack';


let stack: EventStack;
let realtime: LiveRealtime;

beforeAll(async () => {
  stack = await startEventStack();
  stack.relay().start();
  stack.analytics();
  stack.worker();
  realtime = await startLiveRealtime(stack.gw);
});
afterAll(async () => {
  await realtime.close();
  await stack.close();
});

const http = () => stack.gw.http();
const auth = (user: TestUser) => stack.gw.auth(user);
const today = () => new Date().toISOString().slice(0, 10);

interface Item {
  athleteId: string;
  kind: string;
  detail: string;
  since: string;
  data: Record<string, unknown>;
}

async function exercise(coach: TestUser, name: string): Promise<string> {
  const res = await http().post('/v1/exercises').set(auth(coach)).send({ name: `${name} ${randomUUID().slice(0, 6)}`, category: 'legs', primaryMuscle: 'quads' });
  if (res.status !== 201) throw new Error(`exercise: ${res.status}`);
  return res.body.id;
}

/**
 * A completed workout `daysAgo` days ago, written as the API writes one (rows
 * and their events in one transaction), since the API logs sets only now.
 */
async function pastWorkout(athlete: TestUser, daysAgo: number, sets: Array<{ exerciseId: string; reps: number; weightKg: number; rpe?: number }>) {
  const day = addDays(today(), -daysAgo);
  const startedAt = new Date(`${day}T10:00:00.000Z`);
  const completedAt = new Date(`${day}T11:00:00.000Z`);
  const workoutId = randomUUID();
  await stack.db.withTenant({ tenantId: athlete.tenantId }, async (tx) => {
    await tx.execute(sql`INSERT INTO workouts (tenant_id, id, athlete_id, status, started_at, completed_at) VALUES (${athlete.tenantId}, ${workoutId}, ${athlete.id}, 'completed', ${startedAt.toISOString()}, ${completedAt.toISOString()})`);
    await emit(tx, 'workout.started', { workoutId, athleteId: athlete.id, startedAt: startedAt.toISOString() });
    for (const [i, set] of sets.entries()) {
      const setId = randomUUID();
      const loggedAt = new Date(startedAt.getTime() + (i + 1) * 60_000).toISOString();
      await tx.execute(sql`INSERT INTO workout_sets (tenant_id, id, workout_id, athlete_id, exercise_id, reps, weight_kg, rpe, logged_at)
        VALUES (${athlete.tenantId}, ${setId}, ${workoutId}, ${athlete.id}, ${set.exerciseId}, ${set.reps}, ${set.weightKg}, ${set.rpe ?? null}, ${loggedAt})`);
      await emit(tx, 'workout.set_logged', { setId, workoutId, athleteId: athlete.id, exerciseId: set.exerciseId, loggedAt });
    }
    const volumeKg = sets.reduce((sum, s) => sum + s.reps * s.weightKg, 0);
    await emit(tx, 'workout.completed', { workoutId, athleteId: athlete.id, actorId: athlete.id, sets: sets.length, volumeKg, durationSeconds: 3600, startedAt: startedAt.toISOString(), completedAt: completedAt.toISOString() });
  });
}

async function triageOf(viewer: TestUser, query = '') {
  return http().get(`/v1/coach/triage${query}`).set(auth(viewer));
}

/** The coach's triage once the analytics consumer has handled every write so far. */
async function settledTriage(coach: TestUser): Promise<Item[]> {
  await stack.analyticsSettled(coach.tenantId);
  const res = await triageOf(coach, '?limit=100');
  expect(res.status).toBe(200);
  return res.body.items;
}

const kinds = (items: Item[], athleteId: string) => items.filter((i) => i.athleteId === athleteId).map((i) => i.kind);
const dayStart = (daysAgo: number) => `${addDays(today(), -daysAgo)}T00:00:00.000Z`;

test('stalled_lift: the best e1RM three weeks back and three sessions since without a rise; not for a lift that rose', async () => {
  const { coach, athlete, athlete2 } = await stack.team();
  const squat = await exercise(coach, 'Squat');
  // Epley: 100 kg × 5 = 116.7 kg; 100 × 4 = 113.3 kg; 100 × 6 = 120 kg.
  await pastWorkout(athlete, 30, [{ exerciseId: squat, reps: 5, weightKg: 100 }]);
  await pastWorkout(athlete2, 30, [{ exerciseId: squat, reps: 5, weightKg: 100 }]);
  for (const daysAgo of [18, 11, 4]) {
    await pastWorkout(athlete, daysAgo, [{ exerciseId: squat, reps: 4, weightKg: 100 }]);
    await pastWorkout(athlete2, daysAgo, [{ exerciseId: squat, reps: daysAgo === 18 ? 5 : 6, weightKg: 100 }]);
  }
  const items = await settledTriage(coach);
  const item = items.find((i) => i.athleteId === athlete.id && i.kind === 'stalled_lift');
  expect(item).toMatchObject({ since: dayStart(30), data: { exerciseId: squat, bestE1rmKg: 116.67, recentSessions: 3 } });
  expect(item?.detail).toContain('116.7 kg');
  expect(kinds(items, athlete2.id)).toEqual([]);
});

test('rising_rpe: the same load feels harder this week than last; not when the effort holds or the load went up', async () => {
  const { coach, athlete, athlete2 } = await stack.team();
  const squat = await exercise(coach, 'Squat');
  const at = (weightKg: number, rpe: number) => ({ exerciseId: squat, reps: 5, weightKg, rpe });
  await pastWorkout(athlete, 12, [at(100, 7), at(100, 7)]);
  await pastWorkout(athlete, 9, [at(100, 7)]);
  await pastWorkout(athlete, 5, [at(100, 8)]);
  await pastWorkout(athlete, 1, [at(100, 8.5), at(100, 8.5)]);
  // athlete2: the same effort at 100 kg both weeks, and a harder set only at a heavier load.
  await pastWorkout(athlete2, 12, [at(100, 7.5), at(100, 7.5)]);
  await pastWorkout(athlete2, 2, [at(100, 7.5), at(100, 7.5), at(110, 9), at(110, 9)]);
  const items = await settledTriage(coach);
  const item = items.find((i) => i.athleteId === athlete.id && i.kind === 'rising_rpe');
  expect(item).toMatchObject({ since: dayStart(12), data: { exerciseId: squat, weightKg: 100, previousRpe: 7, recentRpe: 8.33 } });
  expect(kinds(items, athlete2.id)).toEqual([]);
});

test('missed_workouts: planned by the assigned program and not completed; not for an athlete who did them', async () => {
  const { coach, athlete, athlete2 } = await stack.team();
  const squat = await exercise(coach, 'Squat');
  const program = await http()
    .post('/v1/programs')
    .set(auth(coach))
    .send({ name: 'Three days', days: ['A', 'B', 'C'].map((name) => ({ name, exercises: [{ exerciseId: squat, sets: [{ reps: 5, weightKg: 80 }] }] })) });
  expect(program.status).toBe(201);
  for (const who of [athlete, athlete2]) {
    await http().post(`/v1/programs/${program.body.id}/assignments`).set(auth(coach)).send({ athleteId: who.id, startDate: addDays(today(), -14) }).expect(201);
  }
  await pastWorkout(athlete, 2, [{ exerciseId: squat, reps: 5, weightKg: 80 }]);
  for (const daysAgo of [5, 3, 1]) await pastWorkout(athlete2, daysAgo, [{ exerciseId: squat, reps: 5, weightKg: 80 }]);
  const items = await settledTriage(coach);
  const item = items.find((i) => i.athleteId === athlete.id && i.kind === 'missed_workouts');
  expect(item).toMatchObject({ since: dayStart(6), data: { planned: 3, completed: 1, missed: 2 } });
  expect(kinds(items, athlete2.id)).toEqual([]);
});

test('inactive before new_record: the most urgent first; an athlete who trained two days ago is not inactive', async () => {
  const { coach, admin, athlete, athlete2 } = await stack.team();
  const squat = await exercise(coach, 'Squat');
  await pastWorkout(athlete, 9, [{ exerciseId: squat, reps: 5, weightKg: 100 }]);
  await pastWorkout(athlete2, 2, [{ exerciseId: squat, reps: 5, weightKg: 100 }]);
  // A record set now through the API: athlete2's first set of an exercise sets all three.
  const deadlift = await exercise(coach, 'Deadlift');
  const workoutId: string = (await http().post('/v1/workouts').set(auth(athlete2)).send({})).body.id;
  await http().post(`/v1/workouts/${workoutId}/sets`).set(auth(athlete2)).send({ exerciseId: deadlift, reps: 3, weightKg: 180 }).expect(201);

  const items = await settledTriage(coach);
  expect(items.map((i) => [i.kind, i.athleteId])).toEqual([
    ['inactive', athlete.id],
    ['new_record', athlete2.id],
  ]);
  expect(items[0]).toMatchObject({ since: dayStart(9), data: { days: 9 } });
  expect(items[1]!.data).toMatchObject({ exerciseId: deadlift, records: { e1rm: 198, weight: 180, reps: 3 } });
  // ADMINs read it too; pages of one keep the order.
  const first = await triageOf(admin, '?limit=1');
  expect(first.status).toBe(200);
  expect(first.body.items.map((i: Item) => i.kind)).toEqual(['inactive']);
  const second = await triageOf(admin, `?limit=1&cursor=${first.body.nextCursor}`);
  expect(second.body).toMatchObject({ items: [{ kind: 'new_record' }], nextCursor: null });
  expect((await triageOf(coach, '?cursor=not-a-cursor')).status).toBe(422);
  expect((await triageOf(coach, '?limit=0')).status).toBe(422);
});

test('athletes may not read triage (403); a coach sees only their own organization', async () => {
  const { coach, athlete } = await stack.team();
  const other = await stack.team();
  const squat = await exercise(coach, 'Squat');
  await pastWorkout(athlete, 10, [{ exerciseId: squat, reps: 5, weightKg: 100 }]);
  await eventually(async () => kinds((await triageOf(coach)).body.items, athlete.id).includes('inactive'), 'the inactive athlete');
  expect((await triageOf(athlete)).status).toBe(403);
  expect((await triageOf(other.athlete)).status).toBe(403);
  const theirs = await triageOf(other.coach, '?limit=100');
  expect(theirs.status).toBe(200);
  expect((theirs.body.items as Item[]).filter((i) => [athlete.id].includes(i.athleteId))).toEqual([]);
});

test('a new item reaches the coach live as notification:new of type triage.item, once however often it is found again', async () => {
  const { coach, athlete } = await stack.team();
  const other = await stack.team();
  const bench = await exercise(coach, 'Bench');
  const socket = await realtime.connect(coach);
  const outsider = await realtime.connect(other.coach);
  const heardByOutsider: unknown[] = [];
  outsider.on('notification:new', (n) => heardByOutsider.push(n));
  const live = new Promise<Parameters<ServerToClientEvents['notification:new']>[0]>((resolve) => {
    socket.on('notification:new', (n) => {
      if (n.type === 'triage.item') resolve(n);
    });
  });

  const workoutId: string = (await http().post('/v1/workouts').set(auth(athlete)).send({})).body.id;
  await http().post(`/v1/workouts/${workoutId}/sets`).set(auth(athlete)).send({ exerciseId: bench, reps: 5, weightKg: 80 }).expect(201);
  const notification = await live;
  expect(notification).toMatchObject({ type: 'triage.item', body: expect.stringContaining('New records in Bench'), data: { athleteId: athlete.id, kind: 'new_record' } });

  // A heavier set the same day: a new record, the same item (exercise and day), no second notification.
  await http().post(`/v1/workouts/${workoutId}/sets`).set(auth(athlete)).send({ exerciseId: bench, reps: 5, weightKg: 85 }).expect(201);
  await stack.analyticsSettled(coach.tenantId);
  await eventually(async () => (await triageOf(coach)).body.items.some((i: Item) => i.kind === 'new_record' && (i.data.records as { weight: number }).weight === 85), 'the heavier record in triage');
  const counts = await stack.notificationCounts(coach.tenantId, 'triage.item');
  expect(counts.filter((c) => c.userId === coach.id)).toEqual([expect.objectContaining({ n: 1 })]);
  expect(heardByOutsider).toEqual([]);
});

test('the weekly summary emails each coach the items of the week at the SMTP peer', async () => {
  const { coach, admin, athlete } = await stack.team();
  const squat = await exercise(coach, 'Squat');
  await pastWorkout(athlete, 12, [{ exerciseId: squat, reps: 5, weightKg: 100 }]);
  await eventually(async () => {
    const rows = await stack.db.withTenant({ tenantId: coach.tenantId }, (tx) => tx.execute(sql`SELECT count(*)::int AS n FROM triage_items WHERE tenant_id = ${coach.tenantId} AND kind = 'inactive'`));
    return (rows.rows[0] as { n: number }).n === 1;
  }, 'the inactive item recorded');

  // The scheduler's clock adds this job on Mondays; a week from now, the week that ended is this one.
  const notifications = new TypedQueue('notifications', stack.connection(), stack.prefix);
  const at = new Date(Date.now() + 7 * 86_400_000).toISOString();
  await notifications.add('triage-summary', { at, tenantIds: [coach.tenantId] }, { jobId: `triage-summary-test.${randomUUID()}` });
  const mail = await eventually(() => stack.smtp.to(coach.email).find((m) => m.decoded.includes('Triage:')), 'the summary at the SMTP peer');
  expect(mail.decoded).toMatch(/Subject: Triage: 1 item for your athletes this week/);
  expect(mail.decoded).toContain('Inactive: No training for 12 days');
  await eventually(() => stack.smtp.to(admin.email).some((m) => m.decoded.includes('Triage:')), 'the ADMIN summary');
  expect(stack.smtp.to(athlete.email).filter((m) => m.decoded.includes('Triage:'))).toEqual([]);

  // Once per member and week: the same week again sends nothing more.
  await notifications.add('triage-summary', { at, tenantIds: [coach.tenantId] }, { jobId: `triage-summary-test.${randomUUID()}` });
  const queue = new Queue('notifications', { connection: stack.connection(), prefix: stack.prefix });
  await eventually(async () => Object.values(await queue.getJobCounts('waiting', 'active', 'delayed')).every((n) => n === 0), 'the second run done');
  await queue.close();
  await notifications.close();
  expect(stack.smtp.to(coach.email).filter((m) => m.decoded.includes('Triage:'))).toHaveLength(1);
});

test('triage is fresh within 10 s of a write, though cached', async () => {
  const { coach, athlete } = await stack.team();
  const press = await exercise(coach, 'Press');
  await stack.analyticsSettled(coach.tenantId);
  expect((await triageOf(coach)).body.items).toEqual([]);
  // Served from the cache now.
  expect((await triageOf(coach)).body.items).toEqual([]);
  const workoutId: string = (await http().post('/v1/workouts').set(auth(athlete)).send({})).body.id;
  await http().post(`/v1/workouts/${workoutId}/sets`).set(auth(athlete)).send({ exerciseId: press, reps: 5, weightKg: 50 }).expect(201);
  const written = Date.now();
  await eventually(async () => kinds((await triageOf(coach)).body.items, athlete.id).includes('new_record'), 'the new record in triage', 10_000);
  process.stdout.write(`triage freshness after a set: ${Date.now() - written} ms\n`);
});

test('the hourly sweep announces what time alone brings: athletes who stop training, or never start, are inactive a week later', async () => {
  const { admin, coach, athlete, athlete2 } = await stack.team();
  const squat = await exercise(coach, 'Squat');
  await pastWorkout(athlete, 1, [{ exerciseId: squat, reps: 5, weightKg: 100 }]);
  await stack.analyticsSettled(coach.tenantId);
  const inAWeek = new TriageDetector(DEFAULT_TRIAGE_THRESHOLDS, () => new Date(Date.now() + 7 * 86_400_000));
  // athlete trained yesterday, athlete2 joined today and never trained.
  expect(await inAWeek.sweep(stack.db, [coach.tenantId])).toEqual({ tenants: 1, detected: 2 });
  const notified = await eventually(async () => {
    const rows = await stack.db.withTenant({ tenantId: coach.tenantId }, (tx) =>
      tx.execute(sql`SELECT user_id, data FROM notifications WHERE tenant_id = ${coach.tenantId} AND type = 'triage.item'`),
    );
    return rows.rows.length === 4 && (rows.rows as Array<{ user_id: string; data: { kind: string; athleteId: string } }>);
  }, 'the coach and the ADMIN notified of both');
  expect(notified.map((r) => `${r.user_id}:${r.data.kind}:${r.data.athleteId}`).sort()).toEqual(
    [coach, admin].flatMap((staff) => [athlete, athlete2].map((who) => `${staff.id}:inactive:${who.id}`)).sort(),
  );
  // Found again on the next sweep: not announced again.
  expect(await inAWeek.sweep(stack.db, [coach.tenantId])).toEqual({ tenants: 1, detected: 0 });
});

test('an assignment counts in missed_workouts within 10 s, though triage was cached', async () => {
  const { coach, athlete } = await stack.team();
  const squat = await exercise(coach, 'Squat');
  const program = await http()
    .post('/v1/programs')
    .set(auth(coach))
    .send({ name: 'Three days', days: ['A', 'B', 'C'].map((name) => ({ name, exercises: [{ exerciseId: squat, sets: [{ reps: 5, weightKg: 80 }] }] })) });
  await pastWorkout(athlete, 1, [{ exerciseId: squat, reps: 5, weightKg: 80 }]);
  expect(kinds(await settledTriage(coach), athlete.id)).toEqual([]);
  await http().post(`/v1/programs/${program.body.id}/assignments`).set(auth(coach)).send({ athleteId: athlete.id, startDate: addDays(today(), -30) }).expect(201);
  await eventually(async () => kinds((await triageOf(coach)).body.items, athlete.id).includes('missed_workouts'), 'missed workouts after the assignment', 10_000);
});

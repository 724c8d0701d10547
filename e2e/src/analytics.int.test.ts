import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { eventually } from '@coachline/testing/eventually';
import { startEventStack, type EventStack } from './testing/event-stack';

let stack: EventStack;
beforeAll(async () => {
  stack = await startEventStack();
  stack.relay().start();
  stack.analytics();
});
afterAll(async () => {
  await stack.close();
});

const http = () => stack.gw.http();
const auth = (user: TestUser) => stack.gw.auth(user);
const today = () => new Date().toISOString().slice(0, 10);

async function exercise(coach: TestUser, category: string): Promise<string> {
  const res = await http().post('/v1/exercises').set(auth(coach)).send({ name: `${category} ${randomUUID().slice(0, 6)}`, category, primaryMuscle: 'chest' });
  if (res.status !== 201) throw new Error(`exercise: ${res.status}`);
  return res.body.id;
}

async function logSet(athlete: TestUser, workoutId: string, exerciseId: string, reps: number, weightKg: number) {
  const res = await http().post(`/v1/workouts/${workoutId}/sets`).set(auth(athlete)).send({ exerciseId, reps, weightKg });
  if (res.status !== 201) throw new Error(`set: ${res.status} ${JSON.stringify(res.body)}`);
}

async function analyticsOf(viewer: TestUser, athleteId: string, query = '') {
  return http().get(`/v1/athletes/${athleteId}/analytics${query}`).set(auth(viewer));
}

async function metric(name: string): Promise<Record<string, number>> {
  const found = stack.gw.deps.metrics.getSingleMetric(name);
  const values = found ? (await found.get()).values : [];
  return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(',') || 'total', v.value]));
}

test('exact figures from the rollups: workouts, sets, volume, duration, MET calories, records, body weight', async () => {
  const { coach, athlete } = await stack.team();
  const bench = await exercise(coach, 'push');
  const squat = await exercise(coach, 'legs');
  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  await http().post('/v1/body-metrics').set(auth(athlete)).send({ weightKg: 81.5, measuredAt: yesterday }).expect(201);
  await http().post('/v1/body-metrics').set(auth(athlete)).send({ weightKg: 80, measuredAt: new Date(Date.now() - 60_000).toISOString() }).expect(201);

  const started = await http().post('/v1/workouts').set(auth(athlete)).send({ title: 'Heavy day' });
  const workoutId: string = started.body.id;
  // The workout began an hour ago, so its duration (and so its calories) is known.
  await stack.db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.execute(sql`UPDATE workouts SET started_at = now() - interval '1 hour' WHERE tenant_id = ${athlete.tenantId} AND id = ${workoutId}`));
  await logSet(athlete, workoutId, bench, 5, 100);
  await logSet(athlete, workoutId, bench, 5, 100);
  await logSet(athlete, workoutId, squat, 3, 140);
  await http().post(`/v1/workouts/${workoutId}/complete`).set(auth(athlete)).expect(200);

  const body = await eventually(async () => {
    const res = await analyticsOf(coach, athlete.id);
    return res.status === 200 && res.body.workouts.completed === 1 && res.body.sets === 3 && res.body;
  }, 'the completed workout in the analytics');
  expect(body).toMatchObject({
    workouts: { total: 1, completed: 1 },
    // No program assigned: adherence is completed against started.
    adherencePct: 100,
    sets: 3,
    volumeKg: 1420,
    // First sets of an exercise set all three records; the repeated bench set none.
    personalRecords: 6,
    bodyWeight: { startKg: 81.5, endKg: 80, changeKg: -1.5 },
  });
  expect(body.durationSeconds).toBeGreaterThanOrEqual(3600);
  expect(body.durationSeconds).toBeLessThan(3630);
  // MET (5 + 5 + 6) / 3 by sets × 80 kg (the last weight before the workout ended) × 1 h = 426.7 kcal.
  expect(body.caloriesEstimate).toBe(427);
  // The athlete sees the same; an ADMIN too.
  expect((await analyticsOf(athlete, athlete.id)).body.sets).toBe(3);
  // A window without the workout.
  const past = await analyticsOf(coach, athlete.id, '?from=2025-01-01&to=2025-01-31');
  expect(past.body).toMatchObject({ workouts: { total: 0, completed: 0 }, sets: 0, volumeKg: 0, caloriesEstimate: 0, personalRecords: 0, bodyWeight: null });
});

test('a workout completed on a later day than it started counts as started on its first day, with no start event for that day', async () => {
  const { coach, athlete } = await stack.team();
  const workoutId: string = (await http().post('/v1/workouts').set(auth(athlete)).send({ title: 'Across midnight' })).body.id;
  // As an imported activity is: its start is another day than the one its start event (if any) refreshed.
  await stack.db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.execute(sql`UPDATE workouts SET started_at = now() - interval '2 days' WHERE tenant_id = ${athlete.tenantId} AND id = ${workoutId}`));
  await http().post(`/v1/workouts/${workoutId}/complete`).set(auth(athlete)).expect(200);
  await stack.analyticsSettled(athlete.tenantId);
  const res = await analyticsOf(coach, athlete.id);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ workouts: { total: 1, completed: 1 }, adherencePct: 100 });
  expect(res.body.durationSeconds).toBeGreaterThanOrEqual(2 * 86_400);
});

test('a cached answer is fresh within 2 s of a write that changes it', async () => {
  const { coach, athlete } = await stack.team();
  const press = await exercise(coach, 'push');
  const workoutId: string = (await http().post('/v1/workouts').set(auth(athlete)).send({})).body.id;
  await logSet(athlete, workoutId, press, 8, 40);
  await eventually(async () => (await analyticsOf(athlete, athlete.id)).body.sets === 1, 'the first set');
  await stack.analyticsSettled(athlete.tenantId);
  // The first read after the last invalidation computes and stores; the next is a hit.
  expect((await analyticsOf(athlete, athlete.id)).body.sets).toBe(1);
  const hitsBefore = (await metric('analytics_cache_requests_total')).hit ?? 0;
  expect((await analyticsOf(athlete, athlete.id)).body.sets).toBe(1);
  expect((await metric('analytics_cache_requests_total')).hit).toBe(hitsBefore + 1);

  await logSet(athlete, workoutId, press, 8, 42.5);
  const written = Date.now();
  const fresh = await eventually(async () => {
    const res = await analyticsOf(athlete, athlete.id);
    return res.body.sets === 2 && res.body;
  }, 'the second set', 2_000);
  expect(fresh.volumeKg).toBe(8 * 40 + 8 * 42.5);
  process.stdout.write(`analytics freshness after a set: ${Date.now() - written} ms\n`);
});

test('concurrent requests for one cold key compute once; cache hits and misses are metrics', async () => {
  const { coach, athlete } = await stack.team();
  const before = await metric('analytics_computations_total');
  const answers = await Promise.all(Array.from({ length: 20 }, () => analyticsOf(coach, athlete.id, '?from=2026-01-01&to=2026-01-28')));
  expect(answers.every((a) => a.status === 200)).toBe(true);
  const after = await metric('analytics_computations_total');
  expect((after.total ?? 0) - (before.total ?? 0)).toBe(1);
  // Answered from the cache now that it holds the key.
  expect((await analyticsOf(coach, athlete.id, '?from=2026-01-01&to=2026-01-28')).status).toBe(200);
  expect((await metric('analytics_computations_total')).total).toBe(after.total);
  const exposition = await http().get('/metrics');
  expect(exposition.text).toMatch(/analytics_cache_requests_total\{result="hit"/);
  expect(exposition.text).toMatch(/analytics_cache_requests_total\{result="miss"/);
});

test('who may read: the athlete, COACH and ADMIN; another athlete 403; another tenant 404; bad windows 422', async () => {
  const { admin, coach, athlete, athlete2 } = await stack.team();
  const other = await stack.team();
  for (const viewer of [athlete, coach, admin]) expect((await analyticsOf(viewer, athlete.id)).status).toBe(200);
  expect((await analyticsOf(athlete2, athlete.id)).status).toBe(403);
  expect((await analyticsOf(other.coach, athlete.id)).status).toBe(404);
  expect((await analyticsOf(coach, randomUUID())).status).toBe(404);
  expect((await analyticsOf(other.coach, athlete.id, '?from=nonsense')).status).toBe(404);
  for (const query of ['?from=2026-02-10&to=2026-02-01', '?from=2026-13-01', '?to=1800-01-01', '?from=2020-01-01&to=2026-01-01', '?window=7']) {
    const res = await analyticsOf(coach, athlete.id, query);
    expect(res.status).toBe(422);
  }
  const window = await analyticsOf(coach, athlete.id);
  expect(window.body.to).toBe(today());
  expect(Date.parse(window.body.to) - Date.parse(window.body.from)).toBe(27 * 86_400_000);
});

test("tenant analytics for ADMINs: active athletes, completed workouts, sessions booked and revenue, fresh after a write", async () => {
  const { admin, coach, athlete, athlete2 } = await stack.team();
  const curl = await exercise(coach, 'pull');
  await stack.db.withTenant({ tenantId: admin.tenantId }, async (tx) => {
    const productId = randomUUID();
    await tx.execute(sql`INSERT INTO products (tenant_id, id, name, kind, price_cents, currency, session_credits, created_by) VALUES (${admin.tenantId}, ${productId}, 'Pack', 'session_pack', 4900, 'eur', 5, ${admin.id})`);
    await tx.execute(sql`INSERT INTO purchases (tenant_id, id, product_id, user_id, kind, status, amount_cents, currency, paid_at) VALUES (${admin.tenantId}, ${randomUUID()}, ${productId}, ${athlete.id}, 'session_pack', 'paid', 4900, 'eur', now())`);
    await tx.execute(sql`INSERT INTO purchases (tenant_id, id, product_id, user_id, kind, status, amount_cents, currency, paid_at) VALUES (${admin.tenantId}, ${randomUUID()}, ${productId}, ${athlete2.id}, 'session_pack', 'refunded', 4900, 'eur', now())`);
  });
  const first = await http().get('/v1/analytics/tenant').set(auth(admin));
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ activeAthletes: 0, workoutsCompleted: 0, sessionsBooked: 0, revenueCents: 4900 });

  for (const who of [athlete, athlete2]) {
    const workoutId: string = (await http().post('/v1/workouts').set(auth(who)).send({})).body.id;
    await logSet(who, workoutId, curl, 10, 20);
    await http().post(`/v1/workouts/${workoutId}/complete`).set(auth(who)).expect(200);
  }
  await http().post('/v1/workouts').set(auth(athlete)).send({}).expect(201);
  const after = await eventually(async () => {
    const res = await http().get('/v1/analytics/tenant').set(auth(admin));
    return res.body.workoutsCompleted === 2 && res.body;
  }, 'two completed workouts', 2_000);
  expect(after).toMatchObject({ activeAthletes: 2, workoutsCompleted: 2, revenueCents: 4900 });
  expect((await http().get('/v1/analytics/tenant').set(auth(coach))).status).toBe(403);
  expect((await http().get('/v1/analytics/tenant').set(auth(athlete))).status).toBe(403);
});

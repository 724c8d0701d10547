import { and, count, eq } from 'drizzle-orm';
import { integrationConnections, integrationOauthStates, integrationPushEvents, outboxEvents } from '@coachline/db/schema/index';
import { eventually } from '@coachline/testing/eventually';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { startIntegrationsStack, stravaStandIn, type IntegrationsStack } from './testing/integrations-stack';

/**
 * Strava end to end: the gateway, the outbox relay, the scheduler's
 * integrations consumer and the notifications worker over real Postgres,
 * Redis and BullMQ, against the Strava stand-in `pnpm test` starts. The tests
 * share one stand-in whose outage and usage switches are global, so they run
 * in order in this one file.
 */
const strava = stravaStandIn();
let stack: IntegrationsStack;
let team: { admin: TestUser; coach: TestUser; athlete: TestUser; athlete2: TestUser };

beforeAll(async () => {
  stack = await startIntegrationsStack();
  team = await stack.team();
}, 60_000);

afterAll(async () => {
  await strava.control('fail', { status: 0 });
  await strava.control('usage', { short: 0 });
  await stack?.close();
});

const http = () => stack.gw.http();
const auth = (user: TestUser) => stack.gw.auth(user);

/** Connect as `user`: the authorize URL, the stand-in's instant approval, and the callback it redirects to. */
async function authorize(user: TestUser, body: Record<string, unknown> = {}) {
  const started = await http().post('/v1/integrations/strava/connect').set(auth(user)).send(body);
  expect(started.status).toBe(201);
  const approval = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
  expect(approval.status).toBe(302);
  const callback = new URL(approval.headers.get('location')!);
  return `${callback.pathname}${callback.search}`;
}

async function connect(user: TestUser): Promise<string> {
  const res = await http().get(await authorize(user));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ provider: 'strava', status: 'active' });
  return res.body.id as string;
}

const connectionRow = async (user: TestUser, id: string) =>
  (await stack.db.withTenant({ tenantId: user.tenantId }, (tx) => tx.select().from(integrationConnections).where(eq(integrationConnections.id, id))))[0]!;

const stravaWorkouts = async (user: TestUser) => {
  const res = await http().get('/v1/workouts?limit=100').set(auth(user));
  expect(res.status).toBe(200);
  return (res.body.items as any[]).filter((w) => w.source === 'strava');
};

const connectionOf = async (user: TestUser, id: string) => {
  const res = await http().get('/v1/integrations').set(auth(user));
  expect(res.status).toBe(200);
  return (res.body.items as any[]).find((c) => c.id === id);
};

const outboxCount = async (tenantId: string, type: string) =>
  (await stack.db.withTenant({ tenantId }, (tx) => tx.select({ n: count() }).from(outboxEvents).where(and(eq(outboxEvents.tenantId, tenantId), eq(outboxEvents.type, type)))))[0]!.n;

let connectionId: string;
let accountId: string;

test('connect, callback and the first sync import the three sample activities as completed workouts; one on an assigned cardio day completes that day', async () => {
  const { coach, athlete } = team;
  // A two-day program from yesterday: day 0 is cardio (treadmill), day 1 is strength. The stand-in's run was yesterday.
  const cardio = (await http().get('/v1/exercises?category=cardio&limit=100').set(auth(coach))).body.items[0];
  const legs = (await http().get('/v1/exercises?category=legs&limit=100').set(auth(coach))).body.items[0];
  const program = await http()
    .post('/v1/programs')
    .set(auth(coach))
    .send({ name: 'Run and lift', days: [{ name: 'Easy run', exercises: [{ exerciseId: cardio.id, sets: [{ reps: 1 }] }] }, { name: 'Legs', exercises: [{ exerciseId: legs.id, sets: [{ reps: 5, weightKg: 60 }] }] }] });
  expect(program.status).toBe(201);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  expect((await http().post(`/v1/programs/${program.body.id}/assignments`).set(auth(coach)).send({ athleteId: athlete.id, startDate: yesterday })).status).toBe(201);

  connectionId = await connect(athlete);
  const imported = await eventually(async () => {
    const list = await stravaWorkouts(athlete);
    return list.length === 3 && list;
  }, 'three imported workouts');
  for (const workout of imported) {
    expect(workout).toMatchObject({ status: 'completed', source: 'strava', athleteId: athlete.id, externalId: expect.stringMatching(/^\d+$/) });
    expect(workout.distanceM).toBeGreaterThan(0);
    expect(workout.durationSeconds).toBeGreaterThan(0);
    expect(workout.caloriesKcal).toBeGreaterThan(0);
  }
  // Each import is a completed workout for webhook subscribers too, once.
  expect(await outboxCount(athlete.tenantId, 'workout.completed')).toBe(3);
  const run = imported.find((w) => w.title === 'Morning Run')!;
  expect(run).toMatchObject({ programId: program.body.id, dayIndex: 0 });
  expect(imported.filter((w) => w.programId !== null)).toHaveLength(1);

  const connection = await eventually(async () => {
    const c = await connectionOf(athlete, connectionId);
    return c?.lastSyncAt && c;
  }, 'a synced connection');
  expect(connection).toMatchObject({ provider: 'strava', status: 'active', lastError: null });

  // Tokens at rest: sealed with AES-256-GCM under the current key, whose id is stored beside them.
  const row = await connectionRow(athlete, connectionId);
  const keyId = stack.gw.deps.config.ENCRYPTION_KEYS.split(':')[0];
  expect(row.tokenKeyId).toBe(keyId);
  expect(row.accessTokenSealed).toMatch(new RegExp(`^v1\\.${keyId}\\.`));
  expect(row.refreshTokenSealed).toMatch(new RegExp(`^v1\\.${keyId}\\.`));
  accountId = row.providerAccountId;
  const detail = await strava.control('stats');
  expect(detail.grants).toBeGreaterThan(0);
});

test('a sync on demand answers 202 and imports nothing twice', async () => {
  const { athlete } = team;
  const before = (await connectionOf(athlete, connectionId)).lastSyncAt;
  const res = await http().post(`/v1/integrations/${connectionId}/sync`).set(auth(athlete));
  expect(res.status).toBe(202);
  await eventually(async () => (await connectionOf(athlete, connectionId)).lastSyncAt !== before, 'a second sync');
  expect(await stravaWorkouts(athlete)).toHaveLength(3);
  expect(await outboxCount(athlete.tenantId, 'workout.completed')).toBe(3);
});

test("Strava's handshake echoes the challenge only for our verify token", async () => {
  const token = process.env.STRAVA_WEBHOOK_VERIFY_TOKEN!;
  const ok = await http().get('/v1/webhooks/strava').query({ 'hub.mode': 'subscribe', 'hub.challenge': 'c-123', 'hub.verify_token': token });
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ 'hub.challenge': 'c-123' });
  const wrong = await http().get('/v1/webhooks/strava').query({ 'hub.mode': 'subscribe', 'hub.challenge': 'c-123', 'hub.verify_token': `${token}x` });
  expect(wrong.status).toBe(403);
});

test('a push syncs the athlete at once; the same push replayed changes nothing', async () => {
  const { athlete } = team;
  const pushed = await strava.control('push', { athleteId: Number(accountId), callbackUrl: `${stack.gatewayUrl}/v1/webhooks/strava` });
  expect(pushed.status).toBe(200);
  await eventually(async () => (await stravaWorkouts(athlete)).length === 4, 'the pushed activity imported');
  const requested = await outboxCount(athlete.tenantId, 'integration.sync_requested');

  const replayed = await strava.control('replay', { callbackUrl: `${stack.gatewayUrl}/v1/webhooks/strava` });
  expect(replayed.status).toBe(200);
  expect(await outboxCount(athlete.tenantId, 'integration.sync_requested')).toBe(requested);
  const records = await stack.db.withTenant({ tenantId: athlete.tenantId }, (tx) =>
    tx.select({ n: count() }).from(integrationPushEvents).where(eq(integrationPushEvents.connectionId, connectionId)),
  );
  expect(records[0]!.n).toBe(1);
  expect(await stravaWorkouts(athlete)).toHaveLength(4);
});

test('a push for another subscription, or outside the replay window, is refused', async () => {
  const event = { object_type: 'activity', object_id: 1, aspect_type: 'create', owner_id: Number(accountId), subscription_id: Number(process.env.STRAVA_SUBSCRIPTION_ID), event_time: Math.floor(Date.now() / 1000), updates: {} };
  const foreign = await http().post('/v1/webhooks/strava').send({ ...event, subscription_id: event.subscription_id + 1 });
  expect(foreign.status).toBe(400);
  expect(foreign.body.code).toBe('WEBHOOK_REJECTED');
  const stale = await http().post('/v1/webhooks/strava').send({ ...event, event_time: event.event_time - 2 * 3600 });
  expect(stale.status).toBe(400);
  const malformed = await http().post('/v1/webhooks/strava').send({ hello: 'world' });
  expect(malformed.status).toBe(422);
});

test('a bad, expired or reused state is 400', async () => {
  const { athlete2 } = team;
  const callback = await authorize(athlete2);
  const url = new URL(callback, 'http://x');
  const state = url.searchParams.get('state')!;
  const code = url.searchParams.get('code')!;

  const forged = await http().get('/v1/integrations/strava/callback').query({ code, state: `${athlete2.tenantId}.forged` });
  expect(forged.status).toBe(400);
  expect(forged.body.code).toBe('INVALID_OAUTH_STATE');
  expect((await http().get('/v1/integrations/strava/callback').query({ code, state: 'not-a-state' })).status).toBe(400);

  expect((await http().get(callback)).status).toBe(200);
  const reused = await http().get(callback);
  expect(reused.status).toBe(400);
  expect(reused.body.code).toBe('INVALID_OAUTH_STATE');
  expect(state.startsWith(`${athlete2.tenantId}.`)).toBe(true);

  const late = await authorize(athlete2);
  await stack.db.withTenant({ tenantId: athlete2.tenantId }, (tx) => tx.update(integrationOauthStates).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(integrationOauthStates.userId, athlete2.id)));
  expect((await http().get(late)).status).toBe(400);
});

test('an athlete removed between connect and callback gets no connection', async () => {
  const { admin, athlete } = await stack.team();
  const callback = await authorize(athlete);
  expect((await http().delete(`/v1/members/${athlete.id}`).set(auth(admin))).status).toBe(204);

  const refused = await http().get(callback);
  expect(refused.status).toBe(400);
  expect(refused.body.code).toBe('INVALID_OAUTH_STATE');
  const rows = await stack.db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.select().from(integrationConnections).where(eq(integrationConnections.userId, athlete.id)));
  expect(rows).toEqual([]);
});

test('the return URL must be one of the platform origins; the callback then redirects to it', async () => {
  const { athlete2 } = team;
  const refused = await http().post('/v1/integrations/strava/connect').set(auth(athlete2)).send({ returnUrl: 'https://evil.example/steal' });
  expect(refused.status).toBe(422);
  const back = await http().get(await authorize(athlete2, { returnUrl: 'https://app.coachline.test/settings/integrations' }));
  expect(back.status).toBe(302);
  expect(back.headers.location).toBe('https://app.coachline.test/settings/integrations');
});

test("another tenant's or another athlete's connection is 404, and bad inputs are 4xx", async () => {
  const other = await stack.team();
  expect((await http().post(`/v1/integrations/${connectionId}/sync`).set(auth(other.athlete))).status).toBe(404);
  expect((await http().delete(`/v1/integrations/${connectionId}`).set(auth(other.admin))).status).toBe(404);
  expect((await http().post(`/v1/integrations/${connectionId}/sync`).set(auth(team.athlete2))).status).toBe(404);
  expect((await http().get('/v1/integrations').set(auth(other.athlete))).body.items).toEqual([]);

  expect((await http().post('/v1/integrations/garmin/connect').set(auth(team.athlete)).send({})).status).toBe(404);
  expect((await http().post('/v1/integrations/strava/connect').set(auth(team.athlete)).send({ returnUrl: 'javascript:alert(1)' })).status).toBe(422);
  expect((await http().post('/v1/integrations/strava/connect').set(auth(team.athlete)).send({ userId: team.athlete2.id })).status).toBe(422);
  expect((await http().post('/v1/integrations/not-a-uuid/sync').set(auth(team.athlete))).status).toBe(404);
  expect((await http().get('/v1/integrations?limit=0').set(auth(team.athlete))).status).toBe(422);
  expect((await http().post('/v1/integrations/strava/connect').send({})).status).toBe(401);
});

test('a revoked grant turns the connection to error, with why, and the athlete is notified', async () => {
  const athlete = await stack.gw.addMember(team.admin, 'ATHLETE');
  const id = await connect(athlete);
  await eventually(async () => (await stravaWorkouts(athlete)).length === 3, 'first import');
  const { providerAccountId } = await connectionRow(athlete, id);
  // The athlete withdraws the grant at Strava: the next sync's token is refused.
  await strava.control('revoke', { athleteId: Number(providerAccountId) });
  expect((await http().post(`/v1/integrations/${id}/sync`).set(auth(athlete))).status).toBe(202);
  const failed = await eventually(async () => {
    const c = await connectionOf(athlete, id);
    return c.status === 'error' && c;
  }, 'the connection in error');
  expect(failed.lastError).toMatch(/connect again/);
  const notification = await eventually(async () => {
    const res = await http().get('/v1/notifications').set(auth(athlete));
    return (res.body.items as any[]).find((n) => n.type === 'integration.failed');
  }, 'the athlete notified');
  expect(notification).toMatchObject({ data: { connectionId: id, provider: 'strava' } });
  expect((await http().post(`/v1/integrations/${id}/sync`).set(auth(athlete))).status).toBe(409);
});

test('disconnecting revokes the grant at Strava and deletes the tokens; imported workouts stay', async () => {
  const athlete = await stack.gw.addMember(team.admin, 'ATHLETE');
  const id = await connect(athlete);
  await eventually(async () => (await stravaWorkouts(athlete)).length === 3, 'first import');
  const { providerAccountId } = await connectionRow(athlete, id);
  expect((await strava.control(`athletes?id=${providerAccountId}`)).tokens).toBeGreaterThan(0);
  const res = await http().delete(`/v1/integrations/${id}`).set(auth(athlete));
  expect(res.status).toBe(204);
  expect((await strava.control(`athletes?id=${providerAccountId}`)).tokens).toBe(0);
  const row = await connectionRow(athlete, id);
  expect(row).toMatchObject({ status: 'revoked', accessTokenSealed: null, refreshTokenSealed: null });
  expect((await connectionOf(athlete, id)).status).toBe('revoked');
  expect(await stravaWorkouts(athlete)).toHaveLength(3);
});

test('Strava failing opens the breaker, syncs wait instead of spending attempts, and recovery closes it', async () => {
  const { athlete } = team;
  const listed = () => strava.requests('GET /api/v3/athlete/activities');
  await strava.control('fail', { status: 503 });
  const beforeOutage = await listed();
  // Enough failing calls for the breaker to judge (5), each sync one list call.
  for (let i = 0; i < 5; i++) {
    expect((await http().post(`/v1/integrations/${connectionId}/sync`).set(auth(athlete))).status).toBe(202);
  }
  await eventually(async () => (await listed()) - beforeOutage >= 5, 'five failed calls');
  const failing = await eventually(async () => {
    const c = await connectionOf(athlete, connectionId);
    return c.lastError && c;
  }, 'the failure recorded');
  expect(failing).toMatchObject({ status: 'active', lastError: expect.stringMatching(/Strava/) });
  // Open: further syncs are put off without calling Strava.
  await eventually(async () => {
    const deferred = await stack.scheduler.integrations.queue.getDelayed();
    return deferred.some((job) => job.data.connectionId === connectionId && job.data.reason === 'deferred');
  }, 'a sync deferred by the open breaker');
  const whileOpen = await listed();
  const requested = await outboxCount(athlete.tenantId, 'integration.sync_requested');
  for (let i = 0; i < 5; i++) expect((await http().post(`/v1/integrations/${connectionId}/sync`).set(auth(athlete))).status).toBe(202);
  await eventually(async () => (await outboxCount(athlete.tenantId, 'integration.sync_requested')) === requested + 5, 'five more requests');
  await eventually(async () => {
    const counts = await stack.scheduler.integrations.queue.getJobCounts('waiting', 'active');
    return counts.waiting === 0 && counts.active === 0;
  }, 'the requested syncs handled');
  // Five more syncs, at most the one trial call the breaker lets through after its reset.
  expect(await listed()).toBeLessThanOrEqual(whileOpen + 1);

  // Strava recovers, with one more activity: the deferred sync tests the breaker, which closes, and the import goes on.
  await strava.control('activities', { athleteId: Number(accountId) });
  await strava.control('fail', { status: 0 });
  await eventually(async () => (await stravaWorkouts(athlete)).length === 5, 'the import after recovery', 30_000);
  await eventually(async () => (await connectionOf(athlete, connectionId)).lastError === null, 'the error cleared');
}, 60_000);

test('usage near the rate limit defers the sync rather than spending the shared budget', async () => {
  const { athlete } = team;
  // Syncs the outage put off may still be waiting: they run first, so that only this test's sync meets the budget.
  await eventually(async () => {
    const queue = stack.scheduler.integrations.queue;
    const counts = await queue.getJobCounts('waiting', 'active');
    const pending = (await queue.getDelayed()).filter((job) => job.data.reason !== 'schedule');
    return counts.waiting === 0 && counts.active === 0 && pending.length === 0;
  }, 'the deferred syncs done', 30_000);
  // Strava reports 96 of 100 requests used this quarter hour: within the headroom kept back (5).
  await strava.control('usage', { short: 96 });
  await strava.control('activities', { athleteId: Number(accountId) });
  const details = () => strava.requests('GET /api/v3/activities/:id');
  const before = await details();
  expect((await http().post(`/v1/integrations/${connectionId}/sync`).set(auth(athlete))).status).toBe(202);
  const deferred = await eventually(async () => {
    const jobs = await stack.scheduler.integrations.queue.getDelayed();
    return jobs.find((job) => job.data.connectionId === connectionId && job.data.reason === 'deferred' && job.opts.delay! > 5_000);
  }, 'a sync deferred to the next window');
  expect(deferred.opts.delay).toBeLessThanOrEqual(15 * 60_000);
  expect(await details()).toBe(before);
  expect(await stravaWorkouts(athlete)).toHaveLength(5);
}, 60_000);

import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChangeFeed, createCoachlineClient, createOfflineQueue, localStorageQueueStorage, memoryQueueStorage, memoryTokenStore, ProblemError, type KeyValueStorage, type QueuedMutation, type SyncChange } from '@coachline/sdk';
import { createHttpServer } from '@coachline/api-gateway/http/server';
import { startGateway, type Gateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { eventually } from '@coachline/testing/eventually';
import { startTcpProxy } from './testing/tcp-proxy';

/**
 * The SDK's offline queue against the real gateway over real HTTP: writes made
 * offline reach POST /v1/sync/mutations in order, a refused one is reported and
 * dropped without stopping the rest, a batch whose answer is lost is sent again
 * and applies once, and the queue outlives its instance on the same storage.
 */
let gw: Gateway;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  gw = await startGateway();
  server = createHttpServer(gw.app).listen(0);
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await gw.close();
});

function clientFor(user: TestUser, url = baseUrl, attempts = 3) {
  return createCoachlineClient({ baseUrl: url, retry: { attempts, baseDelayMs: 10 }, tokens: memoryTokenStore({ accessToken: user.accessToken, refreshToken: user.refreshToken }) });
}

async function exerciseId(user: TestUser, name: string): Promise<string> {
  return (await gw.http().get('/v1/exercises').query({ q: name }).set(gw.auth(user))).body.items[0].id as string;
}

async function loggedSets(user: TestUser, workoutId: string): Promise<{ id: string; reps: number }[]> {
  const workout = await gw.http().get(`/v1/workouts/${workoutId}`).set(gw.auth(user));
  expect(workout.status).toBe(200);
  return workout.body.sets;
}

/** A Web Storage stand-in (Node has no localStorage): what a browser keeps across reloads. */
function fakeLocalStorage(): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

test('mutations enqueued offline are applied in order by one flush, across batches, and leave the queue', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const squat = await exerciseId(athlete, 'Back Squat');
  const applied: QueuedMutation[] = [];
  const queue = createOfflineQueue(clientFor(athlete), { batchSize: 2, flushWhenOnline: false, onApplied: (mutation) => applied.push(mutation) });

  const workoutId = randomUUID();
  const setIds = [randomUUID(), randomUUID(), randomUUID()];
  const enqueued = [await queue.enqueue('workout.start', { id: workoutId, title: 'On the train' })];
  for (const [i, id] of setIds.entries()) enqueued.push(await queue.enqueue('set.log', { id, workoutId, exerciseId: squat, reps: 5 + i, weightKg: 100 }));
  enqueued.push(await queue.enqueue('workout.complete', { workoutId }));
  expect(new Set(enqueued.map((m) => m.clientMutationId)).size).toBe(5);
  expect(await queue.pending()).toEqual(enqueued);

  const report = await queue.flush();

  expect(report).toEqual({ applied: 5, rejected: 0, pending: 0 });
  expect(applied.map((m) => m.clientMutationId)).toEqual(enqueued.map((m) => m.clientMutationId));
  expect(await queue.pending()).toEqual([]);
  const workout = await gw.http().get(`/v1/workouts/${workoutId}`).set(gw.auth(athlete));
  expect(workout.body.status).toBe('completed');
  expect(workout.body.sets.map((s: { id: string; reps: number }) => [s.id, s.reps])).toEqual(setIds.map((id, i) => [id, 5 + i]));
  queue.close();
});

test('a partly rejected batch: the refused mutation is reported with its problem and dropped, the rest apply', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const squat = await exerciseId(athlete, 'Back Squat');
  const rejected: { mutation: QueuedMutation; error: ProblemError }[] = [];
  const queue = createOfflineQueue(clientFor(athlete), { flushWhenOnline: false, onRejected: (mutation, error) => rejected.push({ mutation, error }) });
  const workoutId = randomUUID();
  await queue.enqueue('workout.start', { id: workoutId });
  const good = randomUUID();
  const bad = await queue.enqueue('set.log', { id: randomUUID(), workoutId, exerciseId: squat, reps: 5000, weightKg: 100 });
  const elsewhere = await queue.enqueue('set.log', { id: randomUUID(), workoutId: randomUUID(), exerciseId: squat, reps: 5, weightKg: 100 });
  await queue.enqueue('set.log', { id: good, workoutId, exerciseId: squat, reps: 5, weightKg: 100 });

  const report = await queue.flush();

  expect(report).toEqual({ applied: 2, rejected: 2, pending: 0 });
  expect(rejected.map((r) => r.mutation.clientMutationId)).toEqual([bad.clientMutationId, elsewhere.clientMutationId]);
  expect(rejected[0]!.error).toBeInstanceOf(ProblemError);
  expect(rejected[0]!.error).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
  expect(rejected[0]!.error.errors.map((e) => e.path)).toContain('reps');
  expect(rejected[1]!.error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  expect((await loggedSets(athlete, workoutId)).map((s) => s.id)).toEqual([good]);
  expect(await queue.pending()).toEqual([]);
  queue.close();
});

test('a batch whose answer is lost stays queued; sent again with the same clientMutationIds, it applies once', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const squat = await exerciseId(athlete, 'Back Squat');
  const proxy = await startTcpProxy((server.address() as AddressInfo).port);
  try {
    const failures: unknown[] = [];
    const results: string[] = [];
    // One attempt per request: the client's own retry would replay under its Idempotency-Key; this is the queue's resend.
    const queue = createOfflineQueue(clientFor(athlete, `http://127.0.0.1:${proxy.port}`, 1), {
      flushWhenOnline: false,
      retry: { baseDelayMs: 60_000 },
      onApplied: (_mutation, result) => results.push(result.status),
      onFlushFailed: (error) => failures.push(error),
    });
    const workoutId = randomUUID();
    const setId = randomUUID();
    await queue.enqueue('workout.start', { id: workoutId });
    await queue.enqueue('set.log', { id: setId, workoutId, exerciseId: squat, reps: 3, weightKg: 140 });
    const before = await queue.pending();

    proxy.resetNextAnswer();
    const lost = await queue.flush();
    expect(lost).toMatchObject({ applied: 0, rejected: 0, pending: 2 });
    // A network failure, not a problem answer (fetch's TypeError comes from another realm than jest's).
    expect(lost.error).toBeDefined();
    expect(lost.error).not.toBeInstanceOf(ProblemError);
    expect(failures).toHaveLength(1);
    expect(await queue.pending()).toEqual(before);
    // The server did apply it: the answer, not the request, was lost.
    expect((await loggedSets(athlete, workoutId)).map((s) => s.id)).toEqual([setId]);

    const resent = await queue.flush();
    expect(resent).toEqual({ applied: 2, rejected: 0, pending: 0 });
    expect(results).toEqual(['duplicate', 'duplicate']);
    expect((await loggedSets(athlete, workoutId)).map((s) => s.id)).toEqual([setId]);
    queue.close();
  } finally {
    await proxy.close();
  }
});

test('after a failed flush the queue retries on its own with backoff and the mutations apply once', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const proxy = await startTcpProxy((server.address() as AddressInfo).port);
  try {
    const metricId = randomUUID();
    let retryIn: number | undefined;
    const appliedOnRetry = new Promise<string>((resolve) => {
      const queue = createOfflineQueue(clientFor(athlete, `http://127.0.0.1:${proxy.port}`, 1), {
        flushWhenOnline: false,
        retry: { baseDelayMs: 50, maxDelayMs: 200 },
        onFlushFailed: (_error, ms) => (retryIn = ms),
        onApplied: (_mutation, result) => {
          queue.close();
          resolve(result.status);
        },
      });
      void queue.enqueue('body_metric.add', { id: metricId, weightKg: 81.5, measuredAt: new Date().toISOString() }).then(() => {
        proxy.resetNextAnswer();
        return queue.flush();
      });
    });
    expect(await appliedOnRetry).toBe('duplicate');
    expect(retryIn).toEqual(expect.any(Number));
    const metrics = await gw.http().get('/v1/body-metrics').set(gw.auth(athlete));
    expect((metrics.body.items as { id: string }[]).filter((m) => m.id === metricId)).toHaveLength(1);
  } finally {
    await proxy.close();
  }
});

test('pending mutations survive the queue: a new queue on the same storage sends them with their ids', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const squat = await exerciseId(athlete, 'Back Squat');
  const browserStorage = fakeLocalStorage();
  const first = createOfflineQueue(clientFor(athlete), { storage: localStorageQueueStorage('coachline.queue', browserStorage), flushWhenOnline: false });
  const workoutId = randomUUID();
  const setId = randomUUID();
  const enqueued = [await first.enqueue('workout.start', { id: workoutId }), await first.enqueue('set.log', { id: setId, workoutId, exerciseId: squat, reps: 8, weightKg: 60 })];
  first.close();
  expect(JSON.parse(browserStorage.items.get('coachline.queue')!)).toEqual(enqueued);

  const afterReload = createOfflineQueue(clientFor(athlete), { storage: localStorageQueueStorage('coachline.queue', browserStorage), flushWhenOnline: false });
  expect(await afterReload.pending()).toEqual(enqueued);
  expect(await afterReload.flush()).toEqual({ applied: 2, rejected: 0, pending: 0 });
  expect((await loggedSets(athlete, workoutId)).map((s) => s.id)).toEqual([setId]);
  expect(JSON.parse(browserStorage.items.get('coachline.queue')!)).toEqual([]);
  afterReload.close();
});

test('flushes run one at a time: a flush asked for during another sends what was enqueued meanwhile, nothing twice', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const sent: string[][] = [];
  const client = clientFor(athlete);
  const counting = {
    api: {
      ...client.api,
      POST: ((path: '/v1/sync/mutations', init: { body: { mutations: { clientMutationId: string }[] } }) => {
        sent.push(init.body.mutations.map((m) => m.clientMutationId));
        return client.api.POST(path, init as never);
      }) as typeof client.api.POST,
    },
  };
  const queue = createOfflineQueue(counting, { storage: memoryQueueStorage(), flushWhenOnline: false });
  const a = await queue.enqueue('body_metric.add', { id: randomUUID(), weightKg: 80, measuredAt: new Date().toISOString() });
  const firstFlush = queue.flush();
  const b = await queue.enqueue('body_metric.add', { id: randomUUID(), weightKg: 81, measuredAt: new Date().toISOString() });
  const secondFlush = queue.flush();
  await Promise.all([firstFlush, secondFlush]);

  expect(sent.flat().sort()).toEqual([a.clientMutationId, b.clientMutationId].sort());
  expect(await queue.pending()).toEqual([]);
  queue.close();
});

test('the change feed pages through everything since its cursor, then only what changed after', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const client = clientFor(athlete);
  const feed = createChangeFeed(client, { limit: 10 });
  // The feed serves a change once every transaction older than it has ended (another test file's may still run), so pulls repeat until it shows.
  const first: SyncChange[] = [];
  await eventually(async () => {
    await feed.pull((changes) => void first.push(...changes));
    return first.filter((c) => c.entity === 'exercise').length > 10;
  }, 'the tenant\'s exercise library in the feed');

  const metricId = randomUUID();
  await client.api.POST('/v1/sync/mutations', { body: { mutations: [{ clientMutationId: 'm', type: 'body_metric.add', payload: { id: metricId, weightKg: 70, measuredAt: new Date().toISOString() } }] } });
  const next: SyncChange[] = [];
  await eventually(async () => {
    await feed.pull((changes) => void next.push(...changes));
    return next.length > 0;
  }, 'the new body metric in the feed');
  expect(next.map((c) => [c.entity, c.id])).toEqual([['body_metric', metricId]]);
});

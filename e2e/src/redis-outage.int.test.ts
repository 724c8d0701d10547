import { createOutboxReconciler } from '@coachline/scheduler/relay/outbox-reconciler';
import { eventually } from '@coachline/testing/eventually';
import { startEventStack, type EventStack } from './testing/event-stack';
import { startRedisProcess } from './testing/redis-process';

/** Redis of this file's own, stopped and restarted empty, under the whole stack. */
let redis: Awaited<ReturnType<typeof startRedisProcess>>;
let stack: EventStack;
beforeAll(async () => {
  redis = await startRedisProcess();
  stack = await startEventStack({ redisUrl: redis.url });
});
afterAll(async () => {
  try {
    await redis.start().catch(() => undefined);
    await stack.close();
  } finally {
    await redis.stop();
  }
}, 60_000);

test('with Redis down every POST still answers 201, and once it is back every notification arrives exactly once', async () => {
  const { coach, athlete, athlete2 } = await stack.team();
  const spaceId = await stack.space(coach, [athlete, athlete2]);
  const relay = stack.relay();
  relay.start();
  const worker = stack.worker();
  await eventually(async () => ((await stack.unpublished(coach.tenantId)) === 0 ? true : undefined), 'the team events to be published', 60_000);

  await redis.stop();
  const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => stack.gw.http().post(`/v1/spaces/${spaceId}/posts`).set(stack.gw.auth(coach)).send({ body: `offline ${i}` })));
  const statuses = responses.map((r) => r.status);
  expect(statuses).toEqual(Array(10).fill(201));
  // Nothing could be published: the events wait in the outbox.
  expect(await stack.unpublished(coach.tenantId)).toBe(10);

  await redis.start();
  await eventually(async () => ((await stack.notificationCounts(coach.tenantId)).length === 20 ? true : undefined), 'every notification after the outage', 90_000);
  const counts = await stack.notificationCounts(coach.tenantId);
  expect(counts.filter((c) => c.n !== 1)).toEqual([]);
  expect(new Set(counts.map((c) => c.userId))).toEqual(new Set([athlete.id, athlete2.id]));
  expect(await stack.unpublished(coach.tenantId)).toBe(0);
  await worker.close();
  await relay.close();
}, 120_000);

test('jobs Redis loses after publishing are re-published by the reconciler and processed once', async () => {
  const { coach, athlete } = await stack.team();
  const spaceId = await stack.space(coach, [athlete]);
  // No worker runs yet, and this relay only publishes when told to.
  const relay = stack.relay();
  for (let i = 0; i < 3; i++) expect((await stack.gw.http().post(`/v1/spaces/${spaceId}/posts`).set(stack.gw.auth(coach)).send({ body: `lost ${i}` })).status).toBe(201);
  await eventually(async () => ((await relay.drain()) >= 0 && (await stack.unpublished(coach.tenantId)) === 0 ? true : undefined), 'publishing', 60_000);
  // A failover to an empty replica: every published job is gone before any worker ran.
  const admin = stack.connection();
  await admin.flushall();

  const reconciler = createOutboxReconciler({
    db: stack.db,
    redis: admin,
    queues: relay.queues,
    metrics: relay.metrics,
    logger: stack.logger,
    afterSeconds: 0,
    scope: () => [coach.tenantId],
  });
  expect(await reconciler.reconcile()).toBeGreaterThanOrEqual(3);
  stack.worker();
  await eventually(async () => ((await stack.notificationCounts(coach.tenantId)).length === 3 ? true : undefined), 'the re-published notifications', 60_000);
  // Processed now: a second pass has nothing to do.
  await eventually(async () => ((await reconciler.reconcile()) === 0 ? true : undefined), 'the reconciler to find nothing left', 60_000);
  const counts = await stack.notificationCounts(coach.tenantId);
  expect(counts.filter((c) => c.n !== 1)).toEqual([]);
}, 90_000);

test('analytics answer from Postgres while Redis is down, and the cache serves again once it is back', async () => {
  const { coach, athlete } = await stack.team();
  const relay = stack.relay();
  relay.start();
  const consumer = stack.analytics();
  const exerciseId: string = (await stack.gw.http().post('/v1/exercises').set(stack.gw.auth(coach)).send({ name: 'Row', category: 'pull', primaryMuscle: 'back' })).body.id;
  const workoutId: string = (await stack.gw.http().post('/v1/workouts').set(stack.gw.auth(athlete)).send({})).body.id;
  await stack.gw.http().post(`/v1/workouts/${workoutId}/sets`).set(stack.gw.auth(athlete)).send({ exerciseId, reps: 10, weightKg: 50 }).expect(201);
  const read = () => stack.gw.http().get(`/v1/athletes/${athlete.id}/analytics`).set(stack.gw.auth(coach));
  await eventually(async () => (await read()).body.sets === 1, 'the set in the analytics', 30_000);
  await consumer.close();
  await relay.close();

  await redis.stop();
  try {
    const offline = await read();
    expect(offline.status).toBe(200);
    expect(offline.body).toMatchObject({ sets: 1, volumeKg: 500 });
    const errors = (await stack.gw.deps.metrics.getSingleMetric('analytics_cache_requests_total')!.get()).values.find((v) => v.labels.result === 'error');
    expect(errors?.value).toBeGreaterThanOrEqual(1);
  } finally {
    await redis.start();
  }
  await eventually(async () => (await read()).body.sets === 1, 'analytics with Redis back', 30_000);
}, 90_000);

import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import { and, eq, inArray } from 'drizzle-orm';
import { emit } from '@coachline/db/outbox';
import { processOnce } from '@coachline/db/processed-events';
import { outboxEvents, webhookEndpoints } from '@coachline/db/schema/index';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { eventually } from '@coachline/testing/eventually';
import { relayFixture } from '../testing/relay-fixture';
import { replayFailed } from './dead-letter';
import { eventJobId } from './job-id';
import { createOutboxReconciler } from './outbox-reconciler';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay';

const fx = relayFixture();
const relays: OutboxRelay[] = [];

function relay(options: { batchSize?: number } = {}) {
  const r = createOutboxRelay({ db: fx.db, redis: fx.redis, prefix: fx.prefix, listenUrl: fx.listenUrl, logger: fx.logger, registry: createMetricsRegistry('t'), scope: fx.scope, pollIntervalMs: 60_000, ...options });
  relays.push(r);
  return r;
}

async function emitPosts(tenantId: string, count: number): Promise<string[]> {
  return fx.db.withTenant({ tenantId, requestId: 'req-relay' }, async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await emit(tx, 'post.created', { postId: randomUUID(), spaceId: randomUUID(), authorId: randomUUID() }));
    return ids;
  });
}

async function unpublished(tenantId: string, ids: string[]) {
  return fx.db.withTenant({ tenantId }, async (tx) => {
    const rows = await tx.select().from(outboxEvents).where(and(eq(outboxEvents.tenantId, tenantId), inArray(outboxEvents.id, ids)));
    return rows.filter((r) => r.publishedAt === null).length;
  });
}

afterAll(async () => {
  for (const r of relays) await r.close();
  await fx.close();
});

test('several relays publish every event exactly once, with the envelope and a job id per queue', async () => {
  const tenantId = await fx.tenant();
  const ids = await emitPosts(tenantId, 120);
  const [a, b, c] = [relay({ batchSize: 7 }), relay({ batchSize: 11 }), relay({ batchSize: 13 })];
  const counts = await Promise.all([a.drain(), b.drain(), c.drain()]);
  expect(counts.reduce((x, y) => x + y, 0)).toBe(120);
  expect(await unpublished(tenantId, ids)).toBe(0);
  const queue = a.queues.notifications;
  const waiting = await queue.getWaiting(0, 1000);
  expect(waiting.map((j) => j.id).sort()).toEqual(ids.map((id) => eventJobId(id, 'notifications')).sort());
  const job = await queue.getJob(eventJobId(ids[3]!, 'notifications'));
  expect(job?.name).toBe('event');
  expect(job?.data).toMatchObject({ id: ids[3], tenantId, type: 'post.created', requestId: 'req-relay' });
  await queue.obliterate({ force: true });
});

test('LISTEN/NOTIFY wakes a started relay without waiting for the poll', async () => {
  const tenantId = await fx.tenant();
  const r = relay();
  r.start();
  const [id] = await emitPosts(tenantId, 1);
  await eventually(async () => ((await r.queues.notifications.getJob(eventJobId(id!, 'notifications'))) ? true : undefined), 'the job');
  await eventually(async () => ((await unpublished(tenantId, [id!])) === 0 ? true : undefined), 'the row marked published');
  await r.queues.notifications.obliterate({ force: true });
  await r.close();
});

test('the reconciler re-publishes events whose jobs Redis lost, and leaves processed or dead-lettered ones alone', async () => {
  const tenantId = await fx.tenant();
  const [lost, processed, deadLettered] = await emitPosts(tenantId, 3);
  const r = relay();
  await r.drain();
  const queue = r.queues.notifications;
  await fx.db.withTenant({ tenantId }, (tx) => processOnce(tx, processed!, 'notifications', async () => undefined));
  const worker = new Worker(
    'notifications',
    async (job) => {
      if (job.data.id === deadLettered) throw new UnrecoverableError('poison');
    },
    { connection: fx.redis, prefix: fx.prefix },
  );
  await eventually(async () => {
    const counts = await queue.getJobCounts('completed', 'failed');
    return counts.completed === 2 && counts.failed === 1 ? true : undefined;
  }, 'the jobs to run');
  await worker.close();
  // Redis loses the first event's job (a flush or failover); the second was processed.
  await queue.remove(eventJobId(lost!, 'notifications'));
  await queue.remove(eventJobId(processed!, 'notifications'));
  const reconciler = createOutboxReconciler({ db: fx.db, redis: fx.redis, queues: r.queues, metrics: r.metrics, logger: fx.logger, afterSeconds: 0, scope: () => [tenantId] });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await reconciler.reconcile()).toBe(1);
  const again = await queue.getJob(eventJobId(lost!, 'notifications', 1));
  expect(again?.data).toMatchObject({ id: lost, type: 'post.created' });
  expect(await queue.getJob(eventJobId(processed!, 'notifications', 1))).toBeUndefined();
  expect(await queue.getJob(eventJobId(deadLettered!, 'notifications', 1))).toBeUndefined();
  // The re-published job still waits: nothing more to do.
  expect(await reconciler.reconcile()).toBe(0);
  await queue.obliterate({ force: true });
});

/** A webhook endpoint of `tenantId`, created at `createdAt` (by default, now). */
async function endpoint(tenantId: string, createdAt?: Date) {
  await fx.db.withTenant({ tenantId }, (tx) =>
    tx.insert(webhookEndpoints).values({ tenantId, id: randomUUID(), url: 'https://hooks.example.com/in', events: ['post.created'], secretSealed: 'sealed', createdBy: randomUUID(), ...(createdAt ? { createdAt } : {}) }),
  );
}

test('a subscribable event goes to the webhooks queue only when its tenant had an endpoint; the reconciler publishes one whose endpoint the relay could not see yet', async () => {
  const [without, withEndpoint, racing] = [await fx.tenant(), await fx.tenant(), await fx.tenant()];
  await endpoint(withEndpoint);
  const [skipped] = await emitPosts(without, 1);
  const [delivered] = await emitPosts(withEndpoint, 1);
  const [raced] = await emitPosts(racing, 1);
  const r = relay();
  expect(await r.drain()).toBe(3);
  const webhooks = r.queues.webhooks;
  expect((await webhooks.getWaiting(0, 100)).map((j) => j.data.id)).toEqual([delivered]);
  expect((await r.queues.notifications.getWaiting(0, 100)).map((j) => j.data.id).sort()).toEqual([skipped, delivered, raced].sort());

  // An endpoint whose transaction began before the event and committed after the relay claimed it.
  const [racedEvent] = await fx.db.withTenant({ tenantId: racing }, (tx) => tx.select({ createdAt: outboxEvents.createdAt }).from(outboxEvents).where(eq(outboxEvents.id, raced!)));
  await endpoint(racing, new Date(racedEvent!.createdAt.getTime() - 1));
  // An endpoint created after the event: its tenant's earlier events are not its business.
  await endpoint(without);
  const reconciler = createOutboxReconciler({ db: fx.db, redis: fx.redis, queues: r.queues, metrics: r.metrics, logger: fx.logger, afterSeconds: 0, scope: () => [without, withEndpoint, racing] });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await reconciler.reconcile()).toBe(1);
  expect((await webhooks.getJob(eventJobId(raced!, 'webhooks', 1)))?.data).toMatchObject({ id: raced, tenantId: racing, type: 'post.created' });
  expect(await webhooks.getJob(eventJobId(skipped!, 'webhooks', 1))).toBeUndefined();
  expect(await reconciler.reconcile()).toBe(0);
  await Promise.all([webhooks.obliterate({ force: true }), r.queues.notifications.obliterate({ force: true })]);
});

test('replay-failed moves the dead-letter set back to waiting', async () => {
  const r = relay();
  const queue = r.queues.maintenance;
  await queue.add('purge-expired', {}, { jobId: 'dl-1' });
  await fx.redis.lrem(`${fx.prefix}:maintenance:wait`, 0, 'dl-1');
  await fx.redis.zadd(`${fx.prefix}:maintenance:failed`, Date.now(), 'dl-1');
  expect(await queue.getJobState('dl-1')).toBe('failed');
  expect(await replayFailed(queue)).toBe(1);
  expect(await queue.getJobState('dl-1')).toBe('waiting');
  await queue.obliterate({ force: true });
});

test('metrics report the pending count and lag of the outbox', async () => {
  const tenantId = await fx.tenant();
  await emitPosts(tenantId, 2);
  const registry = createMetricsRegistry('t');
  const r = createOutboxRelay({ db: fx.db, redis: fx.redis, prefix: fx.prefix, listenUrl: fx.listenUrl, logger: fx.logger, registry, scope: fx.scope });
  relays.push(r);
  const text = await registry.metrics();
  expect(text).toMatch(/outbox_pending_events\{[^}]*\} [1-9]/);
  expect(text).toMatch(/outbox_lag_seconds\{[^}]*\} \d/);
  await r.drain();
  expect(await registry.metrics()).toMatch(/outbox_published_jobs_total\{[^}]*queue="notifications"[^}]*\} [1-9]/);
  await r.queues.notifications.obliterate({ force: true });
});

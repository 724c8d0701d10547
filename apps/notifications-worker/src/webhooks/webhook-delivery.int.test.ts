import { randomUUID } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { eq } from 'drizzle-orm';
import { newId } from '@coachline/db/ids';
import { wasProcessed } from '@coachline/db/processed-events';
import { webhookDeliveries, webhookEndpoints } from '@coachline/db/schema/index';
import type { EventOf } from '@coachline/domain/events';
import { webhookSecretContext } from '@coachline/domain/sealed-contexts';
import { createOutboundHttp, type OutboundHttp } from '@coachline/runtime/outbound-http';
import { TypedQueue } from '@coachline/runtime/queues';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import { notificationsFixture } from '../testing/notifications-fixture';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';
import { createWebhookDeliveryService } from './webhook-delivery.service';
import { createWebhookSender } from './webhook-sender';

/** The webhooks consumer's service against real Postgres and a real queue (no worker runs: each test calls it as a job would). */
let fx: Awaited<ReturnType<typeof notificationsFixture>>;
let receiver: WebhookReceiver;
let queue: TypedQueue<'webhooks'>;
const secrets = () => secretBoxFromSetting(process.env.ENCRYPTION_KEYS!);

beforeAll(async () => {
  fx = await notificationsFixture();
  receiver = await startWebhookReceiver();
  queue = new TypedQueue('webhooks', fx.redis, `{wh-${randomUUID().slice(0, 8)}}`);
});
afterAll(async () => {
  await queue.close();
  await receiver.close();
  await fx.close();
});

/** A name server that answers a public-looking name with a loopback address: DNS rebinding. */
const rebinding: LookupFunction = (_hostname, options, callback) => {
  const entry = { address: '127.0.0.1', family: 4 };
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: (typeof entry)[]) => void)(null, [entry]);
  else callback(null, entry.address, entry.family);
};

function service(outbound: OutboundHttp) {
  const sender = createWebhookSender({ outbound, timeoutMs: 2_000, logger: fx.logger, maxInFlightPerEndpoint: 2 });
  return createWebhookDeliveryService({
    db: fx.db,
    queue,
    sender,
    secrets: secrets(),
    logger: fx.logger,
    policy: { firstRetryMs: 5_000, maxRetryDelayMs: 10_000, retryWindowMs: 60_000, disableAfterMs: 60_000 },
    attemptTimeoutMs: 2_000,
  });
}

async function endpoint(tenantId: string, url: string, events: string[], status: 'active' | 'disabled' = 'active') {
  const id = newId();
  await fx.db.withTenant({ tenantId }, (tx) =>
    tx.insert(webhookEndpoints).values({ tenantId, id, url, events, status, secretSealed: secrets().seal(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, webhookSecretContext(id)), createdBy: randomUUID(), createdAt: new Date(Date.now() - 60_000) }),
  );
  return id;
}

const deliveriesOf = (tenantId: string, endpointId: string) => fx.db.withTenant({ tenantId }, (tx) => tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)));

const postCreated = (tenantId: string): EventOf<'post.created'> => ({
  id: newId(),
  tenantId,
  type: 'post.created',
  payload: { postId: randomUUID(), spaceId: randomUUID(), authorId: randomUUID() },
  occurredAt: new Date().toISOString(),
});

test('an event becomes one delivery per active subscribed endpoint, once however often it is handled', async () => {
  const { tenantId } = await fx.tenant(1);
  const subscribed = await endpoint(tenantId, 'https://a.example.com/x', ['post.created', 'comment.created']);
  const other = await endpoint(tenantId, 'https://b.example.com/x', ['comment.created']);
  const disabled = await endpoint(tenantId, 'https://c.example.com/x', ['post.created'], 'disabled');
  const deliveries = service(createOutboundHttp({ allowLoopback: false, timeoutMs: 2_000, maxResponseBytes: 1024 }));
  const event = postCreated(tenantId);

  expect(await deliveries.fanOut(event)).toEqual({ deliveries: 1 });
  await Promise.all([deliveries.fanOut(event), deliveries.fanOut(event)]);
  const rows = await deliveriesOf(tenantId, subscribed);
  expect(rows).toEqual([expect.objectContaining({ eventId: event.id, eventType: 'post.created', payload: event.payload, status: 'pending', attempts: 0 })]);
  expect(await deliveriesOf(tenantId, other)).toEqual([]);
  expect(await deliveriesOf(tenantId, disabled)).toEqual([]);
  expect(await fx.db.withTenant({ tenantId }, (tx) => wasProcessed(tx, event.id, 'webhooks'))).toBe(true);
  const job = await queue.queue.getJob(`webhook_${rows[0]!.id}_0`);
  expect(job?.data).toEqual({ tenantId, deliveryId: rows[0]!.id });
});

test('a public name that resolves to 127.0.0.1 is refused when the request is made: nothing reaches the receiver, and the delivery is retried later', async () => {
  const { tenantId } = await fx.tenant(1);
  const before = receiver.received.length;
  const id = await endpoint(tenantId, `https://hooks.example.test:${receiver.port}/ok/rebound`, ['post.created']);
  const deliveries = service(createOutboundHttp({ allowLoopback: false, timeoutMs: 2_000, maxResponseBytes: 1024, lookup: rebinding }));
  await deliveries.fanOut(postCreated(tenantId));
  const [delivery] = await deliveriesOf(tenantId, id);

  expect(await deliveries.attempt({ tenantId, deliveryId: delivery!.id })).toEqual({ outcome: 'retrying' });
  expect(receiver.received.length).toBe(before);
  const [after] = await deliveriesOf(tenantId, id);
  expect(after).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: expect.stringContaining('non-public') });
  expect(after!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() - 1_000);
  // A second job for the same attempt finds it not yet due and leaves it.
  expect(await deliveries.attempt({ tenantId, deliveryId: delivery!.id })).toEqual({ outcome: 'skipped' });
});

test('a delivery whose job was lost is queued again by the sweep, from its row', async () => {
  const { tenantId } = await fx.tenant(1);
  const id = await endpoint(tenantId, 'https://a.example.com/x', ['post.created']);
  const deliveries = service(createOutboundHttp({ allowLoopback: false, timeoutMs: 2_000, maxResponseBytes: 1024 }));
  await deliveries.fanOut(postCreated(tenantId));
  const [delivery] = await deliveriesOf(tenantId, id);
  await queue.queue.remove(`webhook_${delivery!.id}_0`);
  await fx.db.withTenant({ tenantId }, (tx) => tx.update(webhookDeliveries).set({ nextAttemptAt: new Date(Date.now() - 60_000) }).where(eq(webhookDeliveries.id, delivery!.id)));

  expect(await deliveries.sweep(5_000)).toBeGreaterThanOrEqual(1);
  const jobs = await queue.queue.getJobs(['waiting', 'delayed']);
  expect(jobs.filter((job) => (job.data as { deliveryId: string }).deliveryId === delivery!.id)).toHaveLength(1);
});

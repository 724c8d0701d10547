import { Webhook } from 'standardwebhooks';
import { Queue } from 'bullmq';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '@coachline/notifications-worker/testing/webhook-receiver';
import { eventually } from '@coachline/testing/eventually';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { startEventStack, type EventStack } from './testing/event-stack';

/**
 * Outbound webhooks end to end: the API registers endpoints, mutations put
 * events in the outbox, the relay routes them to the webhooks queue, and the
 * notifications worker's webhooks consumer delivers them to local receivers
 * (loopback receivers allowed, as in development), signed as Standard Webhooks says.
 */
let stack: EventStack;
let receiver: WebhookReceiver;
beforeAll(async () => {
  stack = await startEventStack({ gateway: { OUTBOUND_ALLOW_LOOPBACK: 'true' } });
  receiver = await startWebhookReceiver();
  stack.relay().start();
  stack.worker();
  // A long timeout, so that the hanging receiver's requests stay open for the whole of its test, however loaded the machine.
  stack.webhooksWorker({ outbound: createOutboundHttp({ allowLoopback: true, timeoutMs: 30_000, maxResponseBytes: 64 * 1024 }), timeoutMs: 30_000 });
});
afterAll(async () => {
  // First, so attempts still waiting on a receiver end at once.
  await receiver.close();
  await stack.close();
});

let counter = 0;
const path = (kind: string) => `/${kind}/${++counter}`;

async function register(admin: TestUser, url: string, events: string[]) {
  const res = await stack.gw.http().post('/v1/webhook-endpoints').set(stack.gw.auth(admin)).send({ url, events });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; url: string; events: string[]; secret: string };
}

async function post(author: TestUser, spaceId: string, body = 'Deadlift day') {
  const res = await stack.gw.http().post(`/v1/spaces/${spaceId}/posts`).set(stack.gw.auth(author)).send({ body });
  if (res.status !== 201) throw new Error(`post: ${res.status}`);
  return res.body as { id: string };
}

async function deliveries(admin: TestUser, endpointId: string) {
  const res = await stack.gw.http().get(`/v1/webhook-endpoints/${endpointId}/deliveries`).set(stack.gw.auth(admin));
  expect(res.status).toBe(200);
  return res.body.items as { id: string; eventId: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null; nextAttemptAt: string | null }[];
}

const verify = (secret: string, request: ReceivedWebhook) =>
  new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  }) as { type: string; timestamp: string; data: Record<string, unknown> };

const arrived = (at: string, count = 1) => eventually(() => (receiver.to(at).length >= count ? receiver.to(at) : undefined), `${count} request(s) at ${at}`);

test('a subscribed event arrives signed as Standard Webhooks says, once, and the delivery is recorded', async () => {
  const { admin, coach, athlete } = await stack.team();
  const spaceId = await stack.space(coach, [athlete]);
  const at = path('ok');
  const other = path('ok');
  const endpoint = await register(admin, `${receiver.base}${at}`, ['post.created']);
  const commentsOnly = await register(admin, `${receiver.base}${other}`, ['comment.created']);
  const created = await post(coach, spaceId);

  const [request] = await arrived(at);
  expect(request!.headers['content-type']).toBe('application/json');
  expect(String(request!.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
  const message = verify(endpoint.secret, request!);
  expect(message).toEqual({ type: 'post.created', timestamp: expect.any(String), data: { postId: created.id, spaceId, authorId: coach.id } });
  // Another endpoint's secret does not verify it.
  expect(() => verify(commentsOnly.secret, request!)).toThrow();

  const [delivery] = await eventually(async () => {
    const rows = await deliveries(admin, endpoint.id);
    return rows[0]?.status === 'succeeded' ? rows : undefined;
  }, 'the delivery recorded as succeeded');
  expect(delivery).toMatchObject({ eventType: 'post.created', status: 'succeeded', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
  expect(request!.headers['webhook-id']).toBe(delivery!.id);
  expect(await deliveries(admin, commentsOnly.id)).toEqual([]);
  expect(receiver.to(other)).toEqual([]);
});

test('the events the platform adds for webhooks arrive: member.joined, personal_record.achieved, workout.completed', async () => {
  const { admin, athlete } = await stack.team();
  const at = path('ok');
  const endpoint = await register(admin, `${receiver.base}${at}`, ['member.joined', 'personal_record.achieved', 'workout.completed']);
  const joined = await stack.gw.addMember(admin, 'ATHLETE');
  const exercise = (await stack.gw.http().get('/v1/exercises').set(stack.gw.auth(athlete))).body.items[0] as { id: string };
  const workout = await stack.gw.http().post('/v1/workouts').set(stack.gw.auth(athlete)).send({ title: 'Legs' });
  expect((await stack.gw.http().post(`/v1/workouts/${workout.body.id}/sets`).set(stack.gw.auth(athlete)).send({ exerciseId: exercise.id, reps: 5, weightKg: 100 })).status).toBe(201);
  expect((await stack.gw.http().post(`/v1/workouts/${workout.body.id}/complete`).set(stack.gw.auth(athlete))).status).toBe(200);

  const requests = await eventually(() => {
    const types = receiver.to(at).map((r) => verify(endpoint.secret, r).type);
    return types.includes('member.joined') && types.includes('workout.completed') && types.filter((t) => t === 'personal_record.achieved').length === 3 ? receiver.to(at) : undefined;
  }, 'the member, record and workout events');
  const messages = requests.map((r) => verify(endpoint.secret, r));
  // Only the member who joined after the endpoint was registered: the team's own joins came before.
  expect(messages.filter((m) => m.type === 'member.joined').map((m) => m.data)).toEqual([expect.objectContaining({ userId: joined.id, role: 'ATHLETE' })]);
  expect(messages.find((m) => m.type === 'workout.completed')!.data).toMatchObject({ workoutId: workout.body.id, athleteId: athlete.id, sets: 1, volumeKg: 500 });
  const records = messages.filter((m) => m.type === 'personal_record.achieved').map((m) => m.data.kind);
  expect(records.sort()).toEqual(['e1rm', 'reps', 'weight']);
});

test('failed attempts are retried under the same webhook-id until one succeeds; a redelivery keeps the id too', async () => {
  const { admin, coach, athlete } = await stack.team();
  const spaceId = await stack.space(coach, [athlete]);
  const at = path('flaky/2');
  const endpoint = await register(admin, `${receiver.base}${at}`, ['post.created']);
  await post(coach, spaceId);

  const requests = await arrived(at, 3);
  const ids = new Set(requests.map((r) => r.headers['webhook-id']));
  expect(ids.size).toBe(1);
  for (const request of requests) expect(verify(endpoint.secret, request).type).toBe('post.created');
  const [delivery] = await eventually(async () => {
    const rows = await deliveries(admin, endpoint.id);
    return rows[0]?.status === 'succeeded' ? rows : undefined;
  }, 'the delivery to succeed');
  expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
  expect([...ids]).toEqual([delivery!.id]);

  const redeliver = await stack.gw.http().post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery!.id}/redeliver`).set(stack.gw.auth(admin));
  expect(redeliver.status).toBe(202);
  const again = await arrived(at, 4);
  expect(again[3]!.headers['webhook-id']).toBe(delivery!.id);
  expect(verify(endpoint.secret, again[3]!).type).toBe('post.created');
  await eventually(async () => ((await deliveries(admin, endpoint.id))[0]?.attempts === 4 ? true : undefined), 'the redelivery recorded');
  expect((await deliveries(admin, endpoint.id))[0]).toMatchObject({ status: 'succeeded', attempts: 4 });
});

test('an endpoint that fails through the whole window is disabled, its deliveries fail, and its ADMINs are notified in the app and by email', async () => {
  const { admin, coach, athlete } = await stack.team();
  const spaceId = await stack.space(coach, [athlete]);
  const at = path('fail');
  const endpoint = await register(admin, `${receiver.base}${at}`, ['post.created']);
  await post(coach, spaceId);

  const listed = await eventually(async () => {
    const res = await stack.gw.http().get('/v1/webhook-endpoints').set(stack.gw.auth(admin));
    const mine = (res.body.items as { id: string; status: string }[]).find((e) => e.id === endpoint.id);
    return mine?.status === 'disabled' ? mine : undefined;
  }, 'the endpoint to be disabled');
  expect(listed).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
  expect(receiver.to(at).length).toBeGreaterThan(1);
  expect(new Set(receiver.to(at).map((r) => r.headers['webhook-id'])).size).toBe(1);
  const [delivery] = await deliveries(admin, endpoint.id);
  expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 500, nextAttemptAt: null });

  const notification = await eventually(async () => {
    const res = await stack.gw.http().get('/v1/notifications').set(stack.gw.auth(admin));
    const items: { type: string; data: Record<string, unknown> }[] = res.body.items;
    return items.find((n) => n.type === 'webhook_endpoint.disabled');
  }, "the ADMIN's notification");
  expect(notification.data).toMatchObject({ endpointId: endpoint.id, url: endpoint.url });
  await eventually(() => stack.smtp.to(admin.email).find((m) => /Subject: A webhook endpoint was disabled/.test(m.raw)), "the ADMIN's email");
  // Only ADMINs hear of it.
  const coachView = await stack.gw.http().get('/v1/notifications').set(stack.gw.auth(coach));
  expect((coachView.body.items as { type: string }[]).some((n) => n.type === 'webhook_endpoint.disabled')).toBe(false);

  // Nothing more is sent to it, and it cannot be redelivered to.
  const sent = receiver.to(at).length;
  await post(coach, spaceId, 'after the endpoint was disabled');
  const redeliver = await stack.gw.http().post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery!.id}/redeliver`).set(stack.gw.auth(admin));
  expect(redeliver.status).toBe(409);
  expect(await deliveries(admin, endpoint.id)).toHaveLength(1);
  expect(receiver.to(at).length).toBe(sent);
});

test("a receiver that hangs does not hold back another tenant's delivery", async () => {
  const slow = await stack.team();
  const fast = await stack.team();
  const slowSpace = await stack.space(slow.coach, [slow.athlete]);
  const fastSpace = await stack.space(fast.coach, [fast.athlete]);
  const hangAt = path('hang');
  const okAt = path('ok');
  const hanging = await register(slow.admin, `${receiver.base}${hangAt}`, ['post.created']);
  await register(fast.admin, `${receiver.base}${okAt}`, ['post.created']);

  // More events for the hanging receiver than the worker has slots.
  for (let i = 0; i < 8; i++) await post(slow.coach, slowSpace, `slow ${i}`);
  await eventually(() => (receiver.hanging.open >= 2 ? true : undefined), 'the hanging receiver to hold requests');
  await post(fast.coach, fastSpace, 'fast');

  await arrived(okAt);
  // It arrived while the hanging requests were still open: none had yet been given up on.
  expect(receiver.hanging.closedBySender).toBe(0);
  expect(receiver.hanging.open).toBeLessThanOrEqual(2);
  expect((await stack.gw.http().delete(`/v1/webhook-endpoints/${hanging.id}`).set(stack.gw.auth(slow.admin))).status).toBe(204);
});

test('job data carries ids, never the signing secret', async () => {
  const { admin, coach, athlete } = await stack.team();
  const spaceId = await stack.space(coach, [athlete]);
  const at = path('ok');
  const endpoint = await register(admin, `${receiver.base}${at}`, ['post.created']);
  await post(coach, spaceId);
  await arrived(at);
  const queue = new Queue('webhooks', { connection: stack.connection(), prefix: stack.prefix });
  const jobs = await queue.getJobs(['completed', 'waiting', 'delayed', 'active', 'failed']);
  await queue.close();
  expect(jobs.some((job) => job.name === 'deliver')).toBe(true);
  // Everything this stack keeps in Redis: job data, return values, events.
  expect(await stack.redisText()).not.toContain(endpoint.secret.slice('whsec_'.length));
});

import { and, eq } from 'drizzle-orm';
import { newId } from '@coachline/db/ids';
import { outboxEvents, webhookDeliveries, webhookEndpoints } from '@coachline/db/schema/index';
import { WEBHOOK_EVENT_TYPES } from '@coachline/domain/events';
import { webhookSecretContext } from '@coachline/domain/sealed-contexts';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';
import { capturingLogger } from '../../testing/log-capture';

/** Registration and management of outbound webhook endpoints; delivery is the notifications worker's (e2e/src/outbound-webhooks). */
const { logger, lines } = capturingLogger();
let gw: Gateway;
/** A gateway as in development: loopback receivers may be registered. */
let dev: Gateway;
beforeAll(async () => {
  gw = await startGateway({}, { logger });
  dev = await startGateway({ OUTBOUND_ALLOW_LOOPBACK: 'true' });
});
afterAll(async () => {
  await gw.close();
  await dev.close();
});

const register = (g: Gateway, user: TestUser, body: Record<string, unknown>) => g.http().post('/v1/webhook-endpoints').set(g.auth(user)).send(body);

async function seedDeliveries(user: TestUser, endpointId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId());
  await gw.deps.db.withTenant({ tenantId: user.tenantId }, (tx) =>
    tx.insert(webhookDeliveries).values(
      ids.map((id, i) => ({
        tenantId: user.tenantId,
        id,
        endpointId,
        eventId: newId(),
        eventType: 'post.created',
        payload: { i },
        occurredAt: new Date(),
        status: 'failed' as const,
        attempts: 3,
        lastStatusCode: 500,
      })),
    ),
  );
  return ids;
}

test('an ADMIN registers an endpoint: 201 with a whsec_ secret shown once and stored sealed; the list, the log and the audit never show it', async () => {
  const admin = await gw.signup();
  const res = await register(gw, admin, { url: 'https://hooks.example.com/coachline', events: ['post.created', 'session.scheduled'], description: 'CRM sync' });
  expect(res.status).toBe(201);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toMatchObject({ id: expect.any(String), url: 'https://hooks.example.com/coachline', events: ['post.created', 'session.scheduled'], description: 'CRM sync', status: 'active' });
  const secret = res.body.secret as string;
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);

  const [row] = await gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) => tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, res.body.id as string)));
  expect(row!.secretSealed).not.toContain(secret.slice('whsec_'.length));
  expect(secretBoxFromSetting(gw.deps.config.ENCRYPTION_KEYS).open(row!.secretSealed, webhookSecretContext(row!.id))).toBe(secret);

  const list = await gw.http().get('/v1/webhook-endpoints').set(gw.auth(admin));
  expect(list.status).toBe(200);
  expect(list.body).toEqual({ items: [expect.objectContaining({ id: res.body.id, url: 'https://hooks.example.com/coachline', status: 'active' })], nextCursor: null });
  expect(list.body.items[0]).not.toHaveProperty('secret');
  expect(JSON.stringify(list.body)).not.toContain(secret.slice('whsec_'.length));
  const audit = await gw.http().get('/v1/admin/audit-events').set(gw.auth(admin));
  expect(JSON.stringify(audit.body)).not.toContain(secret.slice('whsec_'.length));
  expect(JSON.stringify(lines)).not.toContain(secret.slice('whsec_'.length));
});

test('the list pages with limit and cursor; DELETE removes an endpoint with its deliveries', async () => {
  const admin = await gw.signup();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await register(gw, admin, { url: `https://hooks${i}.example.com/x`, events: ['comment.created'] })).body.id as string);
  const first = await gw.http().get('/v1/webhook-endpoints?limit=2').set(gw.auth(admin));
  expect(first.body.items.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
  const second = await gw.http().get(`/v1/webhook-endpoints?limit=2&cursor=${first.body.nextCursor as string}`).set(gw.auth(admin));
  expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

  await seedDeliveries(admin, ids[0]!, 2);
  expect((await gw.http().delete(`/v1/webhook-endpoints/${ids[0]}`).set(gw.auth(admin))).status).toBe(204);
  expect((await gw.http().delete(`/v1/webhook-endpoints/${ids[0]}`).set(gw.auth(admin))).status).toBe(404);
  expect((await gw.http().get(`/v1/webhook-endpoints/${ids[0]}/deliveries`).set(gw.auth(admin))).status).toBe(404);
  const left = await gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) => tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, ids[0]!)));
  expect(left).toEqual([]);
});

test('deliveries list newest first with the fields of the contract, paged; redelivery makes one due again and asks the worker through the outbox', async () => {
  const admin = await gw.signup();
  const endpoint = (await register(gw, admin, { url: 'https://hooks.example.com/x', events: ['post.created'] })).body as { id: string };
  const ids = await seedDeliveries(admin, endpoint.id, 3);
  const page1 = await gw.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=2`).set(gw.auth(admin));
  expect(page1.status).toBe(200);
  expect(page1.body.items).toEqual([
    { id: ids[2], eventId: expect.any(String), eventType: 'post.created', status: 'failed', attempts: 3, lastStatusCode: 500, nextAttemptAt: null, createdAt: expect.any(String) },
    expect.objectContaining({ id: ids[1] }),
  ]);
  const page2 = await gw.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=2&cursor=${page1.body.nextCursor as string}`).set(gw.auth(admin));
  expect(page2.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

  const res = await gw.http().post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${ids[0]}/redeliver`).set(gw.auth(admin));
  expect(res.status).toBe(202);
  const after = await gw.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`).set(gw.auth(admin));
  expect(after.body.items.find((d: { id: string }) => d.id === ids[0])).toMatchObject({ status: 'pending', attempts: 3, nextAttemptAt: expect.any(String) });
  const events = await gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) =>
    tx.select().from(outboxEvents).where(and(eq(outboxEvents.tenantId, admin.tenantId), eq(outboxEvents.type, 'webhook_delivery.redelivery_requested'))),
  );
  expect(events.map((e) => e.payload)).toEqual([{ deliveryId: ids[0], endpointId: endpoint.id, requestedBy: admin.id }]);

  expect((await gw.http().post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${newId()}/redeliver`).set(gw.auth(admin))).status).toBe(404);
  await gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) => tx.update(webhookEndpoints).set({ status: 'disabled', disabledAt: new Date() }).where(eq(webhookEndpoints.id, endpoint.id)));
  const disabled = await gw.http().post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${ids[1]}/redeliver`).set(gw.auth(admin));
  expect(disabled.status).toBe(409);
});

test("another tenant's endpoint and deliveries are 404, and never listed", async () => {
  const owner = await gw.signup();
  const stranger = await gw.signup();
  const endpoint = (await register(gw, owner, { url: 'https://hooks.example.com/x', events: ['post.created'] })).body as { id: string };
  const [delivery] = await seedDeliveries(owner, endpoint.id, 1);
  expect((await gw.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`).set(gw.auth(stranger))).status).toBe(404);
  expect((await gw.http().post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery}/redeliver`).set(gw.auth(stranger))).status).toBe(404);
  expect((await gw.http().delete(`/v1/webhook-endpoints/${endpoint.id}`).set(gw.auth(stranger))).status).toBe(404);
  expect((await gw.http().get('/v1/webhook-endpoints').set(gw.auth(stranger))).body.items).toEqual([]);
  // The stranger's own endpoint does not reach the owner's delivery either.
  const own = (await register(gw, stranger, { url: 'https://hooks.example.com/y', events: ['post.created'] })).body as { id: string };
  expect((await gw.http().post(`/v1/webhook-endpoints/${own.id}/deliveries/${delivery}/redeliver`).set(gw.auth(stranger))).status).toBe(404);
  expect((await gw.http().get('/v1/webhook-endpoints').set(gw.auth(owner))).body.items).toHaveLength(1);
});

test('only ADMINs manage webhooks: every other role gets 403', async () => {
  const { admin, coach, athlete } = await gw.tenantWithTeam();
  const scheduler = await gw.addMember(admin, 'SCHEDULER');
  const endpoint = (await register(gw, admin, { url: 'https://hooks.example.com/x', events: ['post.created'] })).body as { id: string };
  const [delivery] = await seedDeliveries(admin, endpoint.id, 1);
  for (const user of [coach, athlete, scheduler]) {
    expect((await register(gw, user, { url: 'https://hooks.example.com/z', events: ['post.created'] })).status).toBe(403);
    expect((await gw.http().get('/v1/webhook-endpoints').set(gw.auth(user))).status).toBe(403);
    expect((await gw.http().delete(`/v1/webhook-endpoints/${endpoint.id}`).set(gw.auth(user))).status).toBe(403);
    expect((await gw.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`).set(gw.auth(user))).status).toBe(403);
    expect((await gw.http().post(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery}/redeliver`).set(gw.auth(user))).status).toBe(403);
  }
  expect((await gw.http().get('/v1/webhook-endpoints')).status).toBe(401);
});

test('bad input is 422 with the field named', async () => {
  const admin = await gw.signup();
  const url = 'https://hooks.example.com/x';
  const cases: [Record<string, unknown>, string][] = [
    [{ events: ['post.created'] }, 'url'],
    [{ url: 'not a url', events: ['post.created'] }, 'url'],
    [{ url }, 'events'],
    [{ url, events: [] }, 'events'],
    [{ url, events: ['post.deleted'] }, 'events.0'],
    // Events the platform has but that are not offered to webhooks.
    [{ url, events: ['user.signed_up'] }, 'events.0'],
    [{ url, events: ['webhook_endpoint.disabled'] }, 'events.0'],
    [{ url, events: ['post.created', 'post.created'] }, 'events'],
    [{ url, events: ['post.created'], description: 'x'.repeat(10_001) }, 'description'],
    [{ url, events: ['post.created'], secret: 'whsec_mine' }, ''],
    [{ url: `https://example.com/${'a'.repeat(2_100)}`, events: ['post.created'] }, 'url'],
  ];
  for (const [body, path] of cases) {
    const res = await register(gw, admin, body);
    expect({ body, status: res.status }).toEqual({ body, status: 422 });
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  }
  const endpoint = (await register(gw, admin, { url, events: ['post.created'] })).body as { id: string };
  expect((await gw.http().get('/v1/webhook-endpoints?limit=0').set(gw.auth(admin))).status).toBe(422);
  expect((await gw.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=101`).set(gw.auth(admin))).status).toBe(422);
  expect((await gw.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries?cursor=garbage`).set(gw.auth(admin))).status).toBe(422);
  expect((await gw.http().get('/v1/webhook-endpoints/not-a-uuid/deliveries').set(gw.auth(admin))).status).toBe(404);
});

test('every subscribable event of the registry can be subscribed to', async () => {
  const admin = await gw.signup();
  const res = await register(gw, admin, { url: 'https://hooks.example.com/all', events: WEBHOOK_EVENT_TYPES });
  expect(res.status).toBe(201);
  expect(res.body.events).toEqual(WEBHOOK_EVENT_TYPES);
  expect(WEBHOOK_EVENT_TYPES).toEqual(expect.arrayContaining(['post.created', 'comment.created', 'session.scheduled', 'session.cancelled', 'workout.completed', 'personal_record.achieved', 'member.joined', 'purchase.paid', 'purchase.refunded']));
});

test('URLs that could reach inside are refused at registration: another scheme, a literal loopback, private or link-local address', async () => {
  const admin = await gw.signup();
  for (const url of [
    'http://hooks.example.com/x',
    'ftp://hooks.example.com/x',
    'https://127.0.0.1/x',
    'https://localhost:8443/x',
    'https://[::1]/x',
    'https://0x7f000001/x',
    'https://10.1.2.3/x',
    'https://192.168.0.10/x',
    'https://169.254.169.254/latest/meta-data',
    'https://[fe80::1]/x',
    'https://[::ffff:10.0.0.1]/x',
    'https://user:pass@hooks.example.com/x',
  ]) {
    const res = await register(gw, admin, { url, events: ['post.created'] });
    expect({ url, status: res.status }).toEqual({ url, status: 422 });
    expect(res.body.errors).toEqual([{ path: 'url', message: expect.stringContaining('https: URL on a public address') }]);
  }
  expect((await gw.http().get('/v1/webhook-endpoints').set(gw.auth(admin))).body.items).toEqual([]);

  // Development allows loopback receivers, plain http: included, and still nothing private.
  const devAdmin = await dev.signup();
  expect((await register(dev, devAdmin, { url: 'http://127.0.0.1:4000/hooks', events: ['post.created'] })).status).toBe(201);
  expect((await register(dev, devAdmin, { url: 'http://10.0.0.1/hooks', events: ['post.created'] })).status).toBe(422);
});

import { randomUUID } from 'node:crypto';
import { newId } from '@coachline/db/ids';
import { sql } from 'drizzle-orm';
import { notifications } from '@coachline/db/schema/index';
import { NOTIFYING_TYPES } from '@coachline/domain/api/notifications';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';
import { listNotifications } from './notifications.repository';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** Rows as the notifications worker writes them. */
async function seed(user: TestUser, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId());
  await gw.deps.db.withTenant({ tenantId: user.tenantId }, (tx) =>
    tx.insert(notifications).values(ids.map((id, i) => ({ tenantId: user.tenantId, id, userId: user.id, type: 'post.created', title: `title ${i}`, body: `body ${i}`, data: { i }, sourceId: randomUUID() }))),
  );
  return ids;
}

test('lists own notifications newest first, filters unread, marks one or all read', async () => {
  const { athlete, athlete2 } = await gw.tenantWithTeam();
  const ids = await seed(athlete, 3);
  await seed(athlete2, 1);
  const list = await gw.http().get('/v1/notifications').set(gw.auth(athlete));
  expect(list.status).toBe(200);
  expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([...ids].reverse());
  expect(list.body.items[0]).toEqual({ id: ids[2], type: 'post.created', title: 'title 2', body: 'body 2', data: { i: 2 }, readAt: null, createdAt: expect.any(String) });

  expect((await gw.http().post(`/v1/notifications/${ids[0]}/read`).set(gw.auth(athlete))).status).toBe(204);
  expect((await gw.http().post(`/v1/notifications/${ids[0]}/read`).set(gw.auth(athlete))).status).toBe(204);
  const unread = await gw.http().get('/v1/notifications?unread=true').set(gw.auth(athlete));
  expect(unread.body.items.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);

  // Someone else's notification does not exist for this user.
  expect((await gw.http().post(`/v1/notifications/${ids[1]}/read`).set(gw.auth(athlete2))).status).toBe(404);
  expect((await gw.http().post(`/v1/notifications/${randomUUID()}/read`).set(gw.auth(athlete))).status).toBe(404);

  expect((await gw.http().post('/v1/notifications/read-all').set(gw.auth(athlete))).status).toBe(204);
  expect((await gw.http().get('/v1/notifications?unread=true').set(gw.auth(athlete))).body.items).toEqual([]);
  expect((await gw.http().get('/v1/notifications?unread=true').set(gw.auth(athlete2))).body.items).toHaveLength(1);
  expect((await gw.http().get('/v1/notifications?unread=maybe').set(gw.auth(athlete))).status).toBe(422);
});

test('preferences list every notifying type on by default; partial updates keep the rest', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const initial = await gw.http().get('/v1/notification-preferences').set(gw.auth(athlete));
  expect(initial.status).toBe(200);
  for (const channel of ['inApp', 'email', 'push']) {
    expect(Object.keys(initial.body.channels[channel]).sort()).toEqual([...NOTIFYING_TYPES].sort());
    expect(Object.values(initial.body.channels[channel]).every((v) => v === true)).toBe(true);
  }
  const put = await gw.http().put('/v1/notification-preferences').set(gw.auth(athlete)).send({ channels: { email: { 'post.created': false } } });
  expect(put.status).toBe(200);
  expect(put.body.channels.email['post.created']).toBe(false);
  const second = await gw.http().put('/v1/notification-preferences').set(gw.auth(athlete)).send({ channels: { push: { 'comment.created': false } } });
  expect(second.body.channels.email['post.created']).toBe(false);
  expect(second.body.channels.push['comment.created']).toBe(false);
  expect(second.body.channels.inApp['comment.created']).toBe(true);
  const read = await gw.http().get('/v1/notification-preferences').set(gw.auth(athlete));
  expect(read.body).toEqual(second.body);

  expect((await gw.http().put('/v1/notification-preferences').set(gw.auth(athlete)).send({ channels: { sms: {} } })).status).toBe(422);
  expect((await gw.http().put('/v1/notification-preferences').set(gw.auth(athlete)).send({ channels: { email: { 'made.up': true } } })).status).toBe(422);
  expect((await gw.http().put('/v1/notification-preferences').set(gw.auth(athlete)).send({ channels: { email: { 'post.created': 'no' } } })).status).toBe(422);
});

test('devices: a Web Push subscription or a native token, 201; malformed ones 422', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const subscription = { endpoint: 'https://push.example.com/abc', keys: { p256dh: 'BOr1', auth: 'xyz' } };
  const web = await gw.http().post('/v1/devices').set(gw.auth(athlete)).send({ platform: 'web', subscription });
  expect(web.status).toBe(201);
  expect(web.body).toMatchObject({ id: expect.any(String), platform: 'web' });
  const again = await gw.http().post('/v1/devices').set(gw.auth(athlete)).send({ platform: 'web', subscription });
  expect(again.body.id).toBe(web.body.id);
  expect((await gw.http().post('/v1/devices').set(gw.auth(athlete)).send({ platform: 'ios', token: 'apns-token' })).status).toBe(201);
  expect((await gw.http().post('/v1/devices').set(gw.auth(athlete)).send({ platform: 'web', token: 'x' })).status).toBe(422);
  expect((await gw.http().post('/v1/devices').set(gw.auth(athlete)).send({ platform: 'android' })).status).toBe(422);
  expect((await gw.http().post('/v1/devices').set(gw.auth(athlete)).send({ platform: 'fax', token: 'x' })).status).toBe(422);
});

test('devices: the caller lists and removes their own; anyone else\'s device is 404', async () => {
  const { athlete, coach } = await gw.tenantWithTeam();
  const other = await gw.tenantWithTeam();
  const register = async (user: typeof athlete, token: string) => (await gw.http().post('/v1/devices').set(gw.auth(user)).send({ platform: 'android', token })).body.id as string;
  const first = await register(athlete, 'fcm-one');
  const second = await register(athlete, 'fcm-two');
  const coachs = await register(coach, 'fcm-coach');
  const foreign = await register(other.athlete, 'fcm-foreign');

  const listed = await gw.http().get('/v1/devices').set(gw.auth(athlete));
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([second, first]);
  expect(listed.body.items[0]).toEqual({ id: second, platform: 'android', createdAt: expect.any(String) });
  const paged = await gw.http().get('/v1/devices?limit=1').set(gw.auth(athlete));
  expect(paged.body.items).toHaveLength(1);
  const rest = await gw.http().get(`/v1/devices?limit=1&cursor=${encodeURIComponent(paged.body.nextCursor as string)}`).set(gw.auth(athlete));
  expect(rest.body).toEqual({ items: [expect.objectContaining({ id: first })], nextCursor: null });
  expect((await gw.http().get('/v1/devices?limit=0').set(gw.auth(athlete))).status).toBe(422);

  expect((await gw.http().delete(`/v1/devices/${coachs}`).set(gw.auth(athlete))).status).toBe(404);
  expect((await gw.http().delete(`/v1/devices/${foreign}`).set(gw.auth(athlete))).status).toBe(404);
  expect((await gw.http().delete('/v1/devices/not-a-uuid').set(gw.auth(athlete))).status).toBe(404);
  expect((await gw.http().delete(`/v1/devices/${first}`).set(gw.auth(athlete))).status).toBe(204);
  expect((await gw.http().delete(`/v1/devices/${first}`).set(gw.auth(athlete))).status).toBe(404);
  expect((await gw.http().get('/v1/devices').set(gw.auth(athlete))).body.items.map((d: { id: string }) => d.id)).toEqual([second]);
  expect((await gw.http().get('/v1/devices').set(gw.auth(coach))).body.items.map((d: { id: string }) => d.id)).toEqual([coachs]);
});

test('devices: a Web Push endpoint that is not https: on a public address is 422 at registration, in any notation', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const keys = { p256dh: 'BOr1', auth: 'xyz' };
  const refused = [
    'file:///etc/passwd',
    'gopher://push.example.com/x',
    'http://push.example.com/x',
    'http://127.0.0.1:4000/fail',
    'https://127.0.0.1/x',
    'https://0x7f000001/x',
    'https://2130706433/x',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://10.0.0.8/x',
    'https://192.168.1.1/x',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/x',
    'https://[fd00::1]/x',
    'https://[fe80::1]/x',
    'https://localhost/x',
  ];
  for (const endpoint of refused) {
    const res = await gw.http().post('/v1/devices').set(gw.auth(athlete)).send({ platform: 'web', subscription: { endpoint, keys } });
    expect({ endpoint, status: res.status }).toEqual({ endpoint, status: 422 });
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'subscription.endpoint' })]);
  }
});

test('the unread list reads the partial index of unread notifications, not the read ones', async () => {
  const { athlete } = await gw.tenantWithTeam();
  await seed(athlete, 300);
  const unread = await seed(athlete, 2);
  await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) =>
    tx.execute(sql`UPDATE notifications SET read_at = now() WHERE tenant_id = ${athlete.tenantId} AND user_id = ${athlete.id} AND id <> ALL(${`{${unread.join(',')}}`}::uuid[])`),
  );
  const list = await gw.http().get('/v1/notifications').query({ unread: 'true' }).set(gw.auth(athlete));
  expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([...unread].reverse());

  const plan = await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, async (tx) => {
    // A table this small could be read whole: the question is which index serves the query when one is used.
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    await tx.execute(sql`SET LOCAL enable_bitmapscan = off`);
    const result = await tx.execute<{ 'QUERY PLAN': unknown }>(sql`EXPLAIN (FORMAT JSON) ${listNotifications(tx, athlete.id, { unread: true, limit: 20 })}`);
    return JSON.stringify(result.rows[0]!['QUERY PLAN']);
  });
  expect(plan).toContain('"Index Name":"notifications_user_unread_idx"');
});

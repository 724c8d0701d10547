import { randomUUID } from 'node:crypto';
import { startGateway, type Gateway } from '../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const countInvitations = (tenantId: string, email: string) =>
  gw.deps.db.withTenant({ tenantId }, async (tx) => {
    const { rows } = await tx.execute(`SELECT count(*)::int AS n FROM invitations WHERE email = '${email}'`);
    return (rows[0] as { n: number }).n;
  });

test('the same key and body replays the first response', async () => {
  const admin = await gw.signup();
  const key = randomUUID();
  const email = `idem-${randomUUID()}@example.com`;
  const first = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email, role: 'ATHLETE' });
  const second = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email, role: 'ATHLETE' });
  expect(first.status).toBe(201);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  expect(second.status).toBe(201);
  expect(second.headers['idempotent-replayed']).toBe('true');
  expect(second.body).toEqual(first.body);
  expect(await countInvitations(admin.tenantId, email)).toBe(1);
});

test('the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED', async () => {
  const admin = await gw.signup();
  const key = randomUUID();
  await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email: `a-${randomUUID()}@example.com`, role: 'ATHLETE' }).expect(201);
  const reused = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email: `b-${randomUUID()}@example.com`, role: 'ATHLETE' });
  expect(reused.status).toBe(422);
  expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
});

test('concurrent duplicates execute once', async () => {
  const admin = await gw.signup();
  const key = randomUUID();
  const email = `race-${randomUUID()}@example.com`;
  const responses = await Promise.all(
    Array.from({ length: 10 }, () => gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email, role: 'ATHLETE' })),
  );
  const fresh = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
  expect(fresh).toHaveLength(1);
  for (const r of responses) {
    if (r.status === 201) expect(r.body).toEqual(fresh[0]!.body);
    else expect({ status: r.status, code: r.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY_KEY_IN_USE' });
  }
  expect(await countInvitations(admin.tenantId, email)).toBe(1);
});

test('keys are scoped per user, and a failed request releases its key', async () => {
  const { admin, coach } = await (async () => {
    const a = await gw.signup();
    return { admin: a, coach: await gw.addMember(a, 'COACH') };
  })();
  const key = randomUUID();
  const email = `scoped-${randomUUID()}@example.com`;
  const byAdmin = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email, role: 'ATHLETE' });
  const byCoach = await gw.http().post('/v1/invitations').set(gw.auth(coach)).set('idempotency-key', key).send({ email, role: 'ATHLETE' });
  expect(byAdmin.status).toBe(201);
  expect(byCoach.status).toBe(201);
  expect(byCoach.headers['idempotent-replayed']).toBeUndefined();
  expect(byCoach.body.id).not.toBe(byAdmin.body.id);

  const failKey = randomUUID();
  const forbidden = await gw.http().post('/v1/invitations').set(gw.auth(coach)).set('idempotency-key', failKey).send({ email, role: 'COACH' });
  expect(forbidden.status).toBe(403);
  const retried = await gw.http().post('/v1/invitations').set(gw.auth(coach)).set('idempotency-key', failKey).send({ email, role: 'COACH' });
  expect(retried.status).toBe(403);
  expect(retried.headers['idempotent-replayed']).toBeUndefined();
});

test('a malformed key is 422', async () => {
  const admin = await gw.signup();
  const res = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', 'has spaces in it').send({ email: `m-${randomUUID()}@example.com`, role: 'ATHLETE' });
  expect(res.status).toBe(422);
});

test('the same body with its keys in another order is the same request, and replays', async () => {
  const admin = await gw.signup();
  const key = randomUUID();
  const email = `order-${randomUUID()}@example.com`;
  const first = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).set('content-type', 'application/json').send(`{"email":"${email}","role":"ATHLETE"}`);
  const again = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).set('content-type', 'application/json').send(`{"role":"ATHLETE","email":"${email}"}`);
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.body).toEqual(first.body);
});

test('a key left in progress by a request that died frees itself after minutes, not a day', async () => {
  const admin = await gw.signup();
  const key = randomUUID();
  const email = `stale-${randomUUID()}@example.com`;
  const leave = (minutesAgo: number) =>
    gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) =>
      tx.execute(
        `INSERT INTO idempotency_keys (tenant_id, id, user_id, key, request_hash, status, created_at, expires_at)
         VALUES ('${admin.tenantId}', '${randomUUID()}', '${admin.id}', '${key}', 'whatever', 'in_progress', now() - interval '${minutesAgo} minutes', now() + interval '1 day')`,
      ),
    );
  await leave(1);
  const meanwhile = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email, role: 'ATHLETE' });
  expect({ status: meanwhile.status, code: meanwhile.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY_KEY_IN_USE' });
  await gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) => tx.execute(`DELETE FROM idempotency_keys WHERE key = '${key}'`));
  await leave(6);
  const later = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email, role: 'ATHLETE' });
  expect(later.status).toBe(201);
  expect(later.headers['idempotent-replayed']).toBeUndefined();
  expect(await countInvitations(admin.tenantId, email)).toBe(1);
});

test('no key row exists while its request runs or after it fails: the stored response commits with the write', async () => {
  const admin = await gw.signup();
  const key = randomUUID();
  const failed = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('idempotency-key', key).send({ email: `x-${randomUUID()}@example.com`, role: 'NOT_A_ROLE' });
  expect(failed.status).toBe(422);
  const rows = await gw.deps.db.withTenant({ tenantId: admin.tenantId }, async (tx) => (await tx.execute(`SELECT status FROM idempotency_keys WHERE key = '${key}'`)).rows);
  expect(rows).toEqual([]);
});

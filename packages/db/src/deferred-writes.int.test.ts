import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { recordAudit } from './audit';
import { createDatabase, type TenantTx } from './database';
import { emit } from './outbox';

/**
 * Outbox and audit rows are deferred: they travel with the transaction's next
 * statement or its COMMIT. These tests prove the round trips saved and that the
 * transaction still commits or rolls back as a whole.
 */
const database = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 1 });
const tenantId = randomUUID();
const otherTenantId = randomUUID();

beforeAll(async () => {
  await database.withSystem((tx) => tx.execute(sql`INSERT INTO tenants (id, name) VALUES (${tenantId}, 'Deferred'), (${otherTenantId}, 'Other')`));
  // The connection prepares the outbox and audit statements on first use (see prepared-statements.int.test.ts); the counts below are of the steady state.
  await database.withTenant({ tenantId }, async (tx) => {
    await emit(tx, 'post.created', { postId: randomUUID(), spaceId: randomUUID(), authorId: randomUUID() });
    await recordAudit(tx, { actorId: null, action: 'x.prepared', entityType: 'x', entityId: null });
  });
});
afterAll(() => database.close());
afterEach(() => jest.restoreAllMocks());

const roundTrips = () => jest.spyOn(pg.Client.prototype, 'query');
const rowsOf = (entityId: string) =>
  database.withSystem(async (tx) => ({
    outbox: (await tx.execute(sql`SELECT id FROM outbox_events WHERE payload->>'postId' = ${entityId}`)).rows.length,
    audit: (await tx.execute(sql`SELECT id FROM audit_events WHERE entity_id = ${entityId}`)).rows.length,
  }));

test('a transaction that only emits and audits is one round trip, and its rows commit', async () => {
  const entityId = randomUUID();
  const spy = roundTrips();
  const eventId = await database.withTenant({ tenantId }, async (tx) => {
    const id = await emit(tx, 'post.created', { postId: entityId, spaceId: randomUUID(), authorId: randomUUID() });
    await recordAudit(tx, { actorId: null, action: 'post.created', entityType: 'post', entityId });
    return id;
  });
  expect(spy).toHaveBeenCalledTimes(1);
  spy.mockRestore();
  expect(await rowsOf(entityId)).toEqual({ outbox: 1, audit: 1 });
  expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
});

test('deferred rows go ahead of the next statement, which sees them, and the commit is one more round trip', async () => {
  const entityId = randomUUID();
  const spy = roundTrips();
  const seen = await database.withTenant({ tenantId }, async (tx) => {
    await recordAudit(tx, { actorId: null, action: 'x.changed', entityType: 'x', entityId });
    return (await tx.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ${entityId}`)).rows[0]!.n;
  });
  expect(seen).toBe(1);
  expect(spy).toHaveBeenCalledTimes(2);
});

test('a deferred write that fails at commit rolls back the whole transaction', async () => {
  const entityId = randomUUID();
  const failing = database.withTenant({ tenantId }, async (tx) => {
    await recordAudit(tx, { actorId: null, action: 'x.changed', entityType: 'x', entityId });
    // Row-level security refuses another tenant's row, but only when the deferred insert runs, at commit.
    // The API never builds a scope that disagrees with its transaction; this one does, to make the insert fail.
    const foreign = Object.create(tx, { scope: { value: { tenantId: otherTenantId } } }) as TenantTx;
    return emit(foreign, 'post.created', { postId: entityId, spaceId: randomUUID(), authorId: randomUUID() });
  });
  await expect(failing).rejects.toThrow(/row-level security/);
  expect(await rowsOf(entityId)).toEqual({ outbox: 0, audit: 0 });
  // The pooled connection is clean for the next transaction.
  await expect(database.withTenant({ tenantId }, async (tx) => (await tx.execute(sql`SELECT 1 AS one`)).rows[0])).resolves.toEqual({ one: 1 });
});

test('a transaction whose function throws leaves no deferred row behind', async () => {
  const entityId = randomUUID();
  await expect(
    database.withTenant({ tenantId }, async (tx) => {
      await recordAudit(tx, { actorId: null, action: 'x.changed', entityType: 'x', entityId });
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  await database.withTenant({ tenantId }, async (tx) => tx.execute(sql`SELECT 1`));
  expect(await rowsOf(entityId)).toEqual({ outbox: 0, audit: 0 });
});

test('readAsTenant refuses writes', async () => {
  await expect(database.readAsTenant({ tenantId }, (tx) => recordAudit(tx, { actorId: null, action: 'x', entityType: 'x', entityId: null }))).rejects.toThrow(/read statement/);
});

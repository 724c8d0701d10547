import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { recordAudit } from './audit';
import { createDatabase, databaseOptions, type TenantTx, type Tx } from './database';
import { emit } from './outbox';
import { preparedQuery } from './prepared';

/**
 * Named statements that travel in a batch run as EXECUTE of a statement
 * prepared once per connection. One pooled connection, so every transaction
 * below meets what the ones before it prepared.
 */
const database = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 1 });
const tenantId = randomUUID();
const otherTenantId = randomUUID();

beforeAll(async () => {
  await database.withSystem((tx) => tx.execute(sql`INSERT INTO tenants (id, name) VALUES (${tenantId}, 'Prepared'), (${otherTenantId}, 'Other')`));
});
afterAll(() => database.close());
afterEach(() => jest.restoreAllMocks());

const sentTexts = () => {
  const spy = jest.spyOn(pg.Client.prototype, 'query');
  return () => spy.mock.calls.map(([config]) => (typeof config === 'string' ? config : (config as { text: string }).text));
};
const preparedOnConnection = () =>
  database.withTenant({ tenantId }, async (tx) => (await tx.execute(sql`SELECT name FROM pg_prepared_statements ORDER BY name`)).rows.map((r) => r.name));

const emitPost = (tx: TenantTx, postId: string) => emit(tx, 'post.created', { postId, spaceId: randomUUID(), authorId: randomUUID() });

test('a named statement is prepared on its first batch and executed by name from then on', async () => {
  const texts = sentTexts();
  await database.withTenant({ tenantId }, (tx) => emitPost(tx, randomUUID()));
  await database.withTenant({ tenantId }, (tx) => emitPost(tx, randomUUID()));
  const sent = texts();
  expect(sent.filter((t) => t.startsWith('PREPARE'))).toEqual([expect.stringMatching(/^PREPARE "coachline_outbox_insert" AS INSERT INTO outbox_events/)]);
  const batches = sent.filter((t) => !t.startsWith('PREPARE'));
  expect(batches).toHaveLength(2);
  for (const batch of batches) expect(batch).toMatch(/EXECUTE "coachline_outbox_insert"\('[0-9a-f-]{36}', '[0-9a-f-]{36}', 'post\.created', '\{.*\}', NULL, NULL\); COMMIT$/);
  expect(await preparedOnConnection()).toContain('coachline_outbox_insert');
});

test('values reach the prepared statement exactly as written, quotes, nulls and JSON included', async () => {
  const entityId = randomUUID();
  const summary = { note: "O'Brien's \\ \"quoted\" $1", nested: { list: [1, null] } };
  await database.withTenant({ tenantId }, (tx) => recordAudit(tx, { actorId: null, action: 'x.changed', entityType: 'x', entityId, summary }));
  const [row] = await database.withSystem(async (tx) => (await tx.execute(sql`SELECT actor_id, request_id, summary FROM audit_events WHERE entity_id = ${entityId}`)).rows);
  expect(row).toEqual({ actor_id: null, request_id: null, summary });
});

test('a statement prepared in a transaction that rolls back stays prepared, and the next transaction uses it', async () => {
  const postId = randomUUID();
  // Row-level security refuses the other tenant's row when the deferred insert runs, at COMMIT.
  await expect(
    database.withTenant({ tenantId }, async (tx) => {
      await recordAudit(tx, { actorId: null, action: 'x.changed', entityType: 'x', entityId: postId });
      // A scope naming another tenant than the transaction's setting, which the API never builds, so the deferred insert fails.
      await emitPost(Object.create(tx, { scope: { value: { tenantId: otherTenantId } } }) as TenantTx, postId);
    }),
  ).rejects.toThrow(/row-level security/);
  const texts = sentTexts();
  await database.withTenant({ tenantId }, (tx) => emitPost(tx, postId));
  expect(texts().filter((t) => t.startsWith('PREPARE'))).toEqual([]);
  const outbox = await database.withSystem(async (tx) => (await tx.execute(sql`SELECT tenant_id FROM outbox_events WHERE payload->>'postId' = ${postId}`)).rows);
  expect(outbox).toEqual([{ tenant_id: tenantId }]);
});

test("pg's own named statements and the batch's share one record of what the connection prepared", async () => {
  const byName = (name: string) => ({ name, text: 'SELECT count(*)::int AS n FROM tenants WHERE id = $1', values: [tenantId] });
  const client = (tx: TenantTx) => (tx as unknown as { $client: { query(config: object): Promise<{ rows: { n: number }[] }> } }).$client;
  // Parsed by pg itself (the transaction's second statement, nothing pending), then met in a batch.
  await database.withTenant({ tenantId }, async (tx) => {
    await tx.execute(sql`SELECT 1`);
    expect((await client(tx).query(byName('coachline_test_parsed_first'))).rows).toEqual([{ n: 1 }]);
  });
  await expect(database.withTenant({ tenantId }, async (tx) => (await client(tx).query(byName('coachline_test_parsed_first'))).rows)).resolves.toEqual([{ n: 1 }]);
  // Prepared by a batch, then met by pg, which binds it without parsing it again.
  await database.withTenant({ tenantId }, async (tx) => {
    expect((await client(tx).query(byName('coachline_test_prepared_first'))).rows).toEqual([{ n: 1 }]);
    expect((await client(tx).query(byName('coachline_test_prepared_first'))).rows).toEqual([{ n: 1 }]);
  });
});

test('one name for two different texts is refused, not run as the wrong statement', async () => {
  const client = (tx: TenantTx) => (tx as unknown as { $client: { query(config: object): Promise<unknown> } }).$client;
  await database.withTenant({ tenantId }, (tx) => client(tx).query({ name: 'coachline_test_clash', text: 'SELECT 1 AS one', values: [] }));
  await expect(database.withTenant({ tenantId }, (tx) => client(tx).query({ name: 'coachline_test_clash', text: 'SELECT 2 AS two', values: [] }))).rejects.toThrow(/unique/);
});

test('behind a transaction pooler, named statements in a batch are inlined and nothing is PREPAREd', async () => {
  const pooled = createDatabase(
    databaseOptions({ DATABASE_URL: process.env.DATABASE_URL!, DATABASE_SYSTEM_URL: process.env.DATABASE_SYSTEM_URL, DATABASE_POOL_SIZE: 1, DATABASE_CONNECT_TIMEOUT_MS: 5_000, DATABASE_TRANSACTION_POOLER: true }, 'prepared-statements-test'),
  );
  try {
    const texts = sentTexts();
    const postId = randomUUID();
    await pooled.withTenant({ tenantId }, (tx) => emitPost(tx, postId));
    expect(texts()).toEqual([expect.stringMatching(/^BEGIN; SELECT set_config\('app\.tenant_id', '[0-9a-f-]{36}', true\); INSERT INTO outbox_events .* VALUES \('[0-9a-f-]{36}', .*\); COMMIT$/)]);
    const prepared = await pooled.withTenant({ tenantId }, async (tx) => (await tx.execute(sql`SELECT count(*)::int AS n FROM pg_prepared_statements`)).rows[0]);
    expect(prepared).toEqual({ n: 0 });
  } finally {
    await pooled.close();
  }
});

test('a drizzle prepared query is built once per connection, not once per transaction', async () => {
  const build = jest.fn((tx: Tx) => tx.select({ one: sql<number>`1`.as('one') }).from(sql`tenants`).limit(1).prepare('coachline_test_prepared_once'));
  const prepared = preparedQuery(build);
  for (let i = 0; i < 3; i++) await database.withTenant({ tenantId }, (tx) => prepared(tx).execute());
  expect(build).toHaveBeenCalledTimes(1);
});

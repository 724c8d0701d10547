import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createDatabase } from './database';

/**
 * Reads every table with a tenant_id column from the catalog, so tables added
 * later are covered without edits, and proves as the app role that tenants
 * cannot see or write each other's rows.
 */
const ownerUrl = process.env.DATABASE_OWNER_URL!;
const appUrl = process.env.DATABASE_URL!;

interface Column {
  name: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  position: number;
}

const owner = new pg.Client({ connectionString: ownerUrl });
const app = new pg.Client({ connectionString: appUrl });
let tables: Map<string, Column[]>;
const tenantA = randomUUID();
const tenantB = randomUUID();

/** A value of the column's type that satisfies NOT NULL and the schema's check constraints. */
function valueFor(column: Column, tenantId: string): string {
  if (column.name === 'tenant_id') return `'${tenantId}'::uuid`;
  if (column.type.startsWith('_')) return `'{}'`;
  switch (column.type) {
    case 'uuid':
      return `'${randomUUID()}'::uuid`;
    case 'text':
      return `'x${randomUUID()}'`;
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'float4':
    case 'float8':
      return '1';
    case 'bool':
      return 'false';
    case 'jsonb':
      return `'{}'::jsonb`;
    case 'date':
      return 'current_date';
    case 'timestamptz':
      // Later columns get later times, so ranges such as (starts_at, ends_at) are valid.
      return `now() + interval '${column.position} minutes'`;
    default:
      throw new Error(`No test value for type ${column.type} (${column.name})`);
  }
}

function insertSql(table: string, tenantId: string): string {
  const columns = tables.get(table)!.filter((c) => !c.nullable && !c.hasDefault || c.name === 'tenant_id');
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES (${columns.map((c) => valueFor(c, tenantId)).join(', ')})`;
}

beforeAll(async () => {
  await owner.connect();
  await app.connect();
  const { rows } = await owner.query<{ table: string; name: string; type: string; nullable: boolean; has_default: boolean; position: number }>(`
    SELECT c.relname AS table, a.attname AS name, t.typname AS type, NOT a.attnotnull AS nullable,
           a.atthasdef AS has_default, a.attnum AS position
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE c.relkind IN ('r', 'p')
      AND EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = c.oid AND x.attname = 'tenant_id' AND NOT x.attisdropped)
    ORDER BY c.relname, a.attnum`);
  tables = new Map();
  for (const row of rows) {
    const list = tables.get(row.table) ?? [];
    list.push({ name: row.name, type: row.type, nullable: row.nullable, hasDefault: row.has_default, position: row.position });
    tables.set(row.table, list);
  }
  // Seed one row per tenant in every table as the superuser owner, with
  // foreign-key triggers off, so that no table needs hand-written fixtures.
  await owner.query('BEGIN');
  await owner.query(`SET LOCAL session_replication_role = replica`);
  await owner.query(`INSERT INTO tenants (id, name) VALUES ($1, 'A'), ($2, 'B')`, [tenantA, tenantB]);
  for (const table of tables.keys()) {
    await owner.query(insertSql(table, tenantA));
    await owner.query(insertSql(table, tenantB));
  }
  await owner.query('COMMIT');
});

afterAll(async () => {
  await owner.query('DELETE FROM tenants WHERE id = ANY($1)', [[tenantA, tenantB]]);
  await owner.end();
  await app.end();
});

async function asApp<T>(tenantId: string | null, fn: () => Promise<T>): Promise<T> {
  await app.query('BEGIN');
  try {
    if (tenantId) await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    return await fn();
  } finally {
    await app.query('ROLLBACK');
  }
}

test('the catalog lists the tenant tables, and the app role neither owns them nor bypasses RLS', async () => {
  expect(tables.size).toBeGreaterThanOrEqual(25);
  const { rows } = await app.query(`SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user`);
  expect(rows[0]).toEqual({ rolbypassrls: false, rolsuper: false });
  const owned = await owner.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'coachline_app'`);
  expect(owned.rows).toEqual([]);
});

test('every tenant table has enabled and forced RLS with USING and WITH CHECK on app.tenant_id', async () => {
  const { rows } = await owner.query(`
    SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
           bool_and(p.polqual IS NOT NULL AND p.polwithcheck IS NOT NULL
                    AND pg_get_expr(p.polqual, p.polrelid) LIKE '%app.tenant_id%'
                    AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%app.tenant_id%') AS checked
    FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
    WHERE c.relname = ANY($1) GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity`, [[...tables.keys()]]);
  expect(rows).toHaveLength(tables.size);
  for (const row of rows) expect({ table: row.table, enabled: row.enabled, forced: row.forced, checked: row.checked }).toEqual({ table: row.table, enabled: true, forced: true, checked: true });
});

test('with no tenant set, the app role sees no rows of any tenant table', async () => {
  for (const table of tables.keys()) {
    const { rows } = await asApp(null, () => app.query(`SELECT count(*)::int AS n FROM "${table}"`));
    expect({ table, n: rows[0].n }).toEqual({ table, n: 0 });
  }
  const { rows } = await asApp(null, () => app.query(`SELECT count(*)::int AS n FROM tenants`));
  expect(rows[0].n).toBe(0);
});

test("with tenant A set, B's rows are invisible", async () => {
  for (const table of tables.keys()) {
    const { rows } = await asApp(tenantA, () => app.query(`SELECT DISTINCT tenant_id FROM "${table}"`));
    expect({ table, tenants: rows.map((r) => r.tenant_id) }).toEqual({ table, tenants: [tenantA] });
  }
  const { rows } = await asApp(tenantA, () => app.query(`SELECT id FROM tenants`));
  expect(rows.map((r) => r.id)).toEqual([tenantA]);
});

test('with tenant A set, inserting a row of B fails', async () => {
  for (const table of tables.keys()) {
    await expect(asApp(tenantA, () => app.query(insertSql(table, tenantB)))).rejects.toThrow(/row-level security/);
  }
});

test("with tenant A set, B's rows cannot be updated or deleted, and A's rows cannot be moved to B", async () => {
  for (const table of tables.keys()) {
    const updated = await asApp(tenantA, () => app.query(`UPDATE "${table}" SET tenant_id = tenant_id WHERE tenant_id = $1`, [tenantB]));
    expect({ table, updated: updated.rowCount }).toEqual({ table, updated: 0 });
    const deleted = await asApp(tenantA, () => app.query(`DELETE FROM "${table}" WHERE tenant_id = $1`, [tenantB]));
    expect({ table, deleted: deleted.rowCount }).toEqual({ table, deleted: 0 });
    await expect(asApp(tenantA, () => app.query(`UPDATE "${table}" SET tenant_id = $1 WHERE tenant_id = $2`, [tenantB, tenantA]))).rejects.toThrow(
      /row-level security/,
    );
  }
});

test('withTenant scopes a transaction to one tenant and rejects a malformed tenant id', async () => {
  const database = createDatabase({ url: appUrl, poolSize: 2 });
  try {
    const seen = await database.withTenant({ tenantId: tenantB }, async (tx) => (await tx.execute(`SELECT id FROM tenants`)).rows);
    expect(seen).toEqual([{ id: tenantB }]);
    await expect(database.withTenant({ tenantId: `x'); DROP TABLE tenants; --` }, async () => 1)).rejects.toThrow(/Invalid tenant id/);
    // The setting is transaction-local: a pooled connection carries no tenant into the next use.
    const after = await database.withSystem(async (tx) => (await tx.execute(`SELECT current_setting('app.tenant_id', true) AS t`)).rows);
    expect(after[0]!.t ?? '').toBe('');
  } finally {
    await database.close();
  }
});

test('readAsTenant sees one tenant in one statement, and refuses a second statement', async () => {
  const database = createDatabase({ url: appUrl, poolSize: 1 });
  try {
    const seen = await database.readAsTenant({ tenantId: tenantA }, async (tx) => (await tx.execute(`SELECT id FROM tenants`)).rows);
    expect(seen).toEqual([{ id: tenantA }]);
    const second = await database
      .readAsTenant({ tenantId: tenantA }, async (tx) => {
        await tx.execute('SELECT 1');
        await tx.execute('SELECT 2');
      })
      .catch((error: Error & { cause?: Error }) => error.cause ?? error);
    expect((second as Error).message).toMatch(/exactly one statement/);
    // The same pooled connection carries no tenant into the next use.
    const after = await database.withSystem(async (tx) => (await tx.execute(`SELECT current_setting('app.tenant_id', true) AS t, count(*)::int AS n FROM tenants`)).rows);
    expect(after[0]!.t ?? '').toBe('');
  } finally {
    await database.close();
  }
});

test('every table the app role can reach has row-level security with policies', async () => {
  const { rows } = await owner.query<{ table: string; enabled: boolean; policies: number }>(`
    SELECT c.relname AS table, c.relrowsecurity AS enabled, (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname) AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    WHERE c.relkind IN ('r', 'p', 'v', 'm')
      AND EXISTS (SELECT 1 FROM information_schema.role_table_grants g WHERE g.grantee = 'coachline_app' AND g.table_schema = 'public' AND g.table_name = c.relname)
    ORDER BY c.relname`);
  expect(rows.map((r) => r.table)).toEqual(expect.arrayContaining(['users', 'tenants', 'memberships']));
  for (const row of rows) expect(row).toEqual({ table: row.table, enabled: true, policies: expect.any(Number) });
  for (const row of rows) expect({ table: row.table, hasPolicy: row.policies > 0 }).toEqual({ table: row.table, hasPolicy: true });
});

describe('users', () => {
  const people = { a: randomUUID() as string, b: randomUUID() as string, none: randomUUID() as string };
  const email = (id: string) => `rls-${id}@example.com`;

  beforeAll(async () => {
    await owner.query('BEGIN');
    for (const id of Object.values(people)) await owner.query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'P', 'hash')`, [id, email(id)]);
    await owner.query(`INSERT INTO memberships (tenant_id, id, user_id, role) VALUES ($1, $2, $3, 'ATHLETE'), ($4, $5, $6, 'ATHLETE')`, [tenantA, randomUUID(), people.a, tenantB, randomUUID(), people.b]);
    await owner.query('COMMIT');
  });
  afterAll(async () => {
    await owner.query('DELETE FROM memberships WHERE user_id = ANY($1)', [Object.values(people)]);
    await owner.query('DELETE FROM users WHERE id = ANY($1)', [Object.values(people)]);
  });

  const ours = (rows: { id: string }[]) => rows.map((r) => r.id).filter((id) => Object.values(people).includes(id));

  test("the request role reads only the current tenant's members, and its own row", async () => {
    expect(ours((await asApp(tenantA, () => app.query('SELECT id FROM users'))).rows)).toEqual([people.a]);
    expect(ours((await asApp(null, () => app.query('SELECT id FROM users'))).rows)).toEqual([]);
    const own = await asApp(tenantB, async () => {
      await app.query(`SELECT set_config('app.user_id', $1, true)`, [people.none]);
      return app.query('SELECT id FROM users');
    });
    expect(ours(own.rows).sort()).toEqual([people.b, people.none].sort());
  });

  test('the request role updates only its own row, never deletes, and inserts new rows', async () => {
    const updated = await asApp(tenantA, () => app.query(`UPDATE users SET name = 'changed' WHERE id = ANY($1)`, [Object.values(people)]));
    expect(updated.rowCount).toBe(0);
    const own = await asApp(tenantA, async () => {
      await app.query(`SELECT set_config('app.user_id', $1, true)`, [people.a]);
      return app.query(`UPDATE users SET name = 'changed' WHERE id = ANY($1)`, [Object.values(people)]);
    });
    expect(own.rowCount).toBe(1);
    const deleted = await asApp(tenantA, () => app.query(`DELETE FROM users WHERE id = ANY($1)`, [Object.values(people)]));
    expect(deleted.rowCount).toBe(0);
    const inserted = await asApp(tenantA, () => app.query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'New', 'h')`, [randomUUID(), `new-${randomUUID()}@example.com`]));
    expect(inserted.rowCount).toBe(1);
  });

  test('whether an email has an account anywhere is answered by a narrow function, with the id only', async () => {
    const { rows } = await asApp(tenantA, () => app.query('SELECT coachline_user_id_by_email($1) AS id', [email(people.b).toUpperCase()]));
    expect(rows[0].id).toBe(people.b);
  });
});

import http from 'node:http';
import pg from 'pg';

/**
 * The strongest Node baseline: node:http and pg, no framework, the member
 * list's query prepared once per connection (a named statement), no auth,
 * rate limits, RLS or validation. What any Node server pays for this request.
 *
 * With BENCH_RLS=1 it reads as the gateway does, and nothing more: as the
 * request role under row-level security, the tenant set for the statement
 * (`set_config(..., true)`) in the same round trip as the EXECUTE of the
 * prepared query. The gap between the two is what the database's tenant
 * isolation costs on this request, whatever the server around it.
 */
const underRls = process.env.BENCH_RLS === '1';
const pool = new pg.Pool({ connectionString: underRls ? process.env.DATABASE_URL : process.env.DATABASE_SYSTEM_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const tenantId = process.env.BENCH_TENANT_ID!;
if (!/^[0-9a-f-]{36}$/i.test(tenantId)) throw new Error('BENCH_TENANT_ID must be a UUID');
const membersPage = {
  name: 'bench_members_first_page',
  text: `SELECT m.id, m.user_id AS "userId", m.role, u.name, u.email
    FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.tenant_id = $1 AND m.removed_at IS NULL
    ORDER BY m.id LIMIT $2`,
};
const prepared = new WeakSet<pg.PoolClient>();

interface Row {
  id: string;
  userId: string;
  role: string;
  name: string;
  email: string;
}

async function members(): Promise<Row[]> {
  if (!underRls) return (await pool.query<Row>({ name: membersPage.name, text: membersPage.text, values: [tenantId, 21] })).rows;
  const client = await pool.connect();
  try {
    if (!prepared.has(client)) {
      await client.query(`PREPARE ${membersPage.name}(uuid, int) AS ${membersPage.text}`);
      prepared.add(client);
    }
    const results = (await client.query(`SELECT set_config('app.tenant_id', '${tenantId}', true); EXECUTE ${membersPage.name}('${tenantId}', 21)`)) as unknown as pg.QueryResult<Row>[];
    return results[1]!.rows;
  } finally {
    client.release();
  }
}

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.method !== 'GET' || req.url !== '/v1/members') {
    res.writeHead(404).end();
    return;
  }
  members().then(
    (rows) => {
      const body = JSON.stringify({ items: rows.slice(0, 20).map(({ userId, name, email, role }) => ({ userId, name, email, role })), nextCursor: null });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    () => {
      res.writeHead(500).end();
    },
  );
});
server.listen(Number(process.env.PORT));
process.once('SIGTERM', () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeIdleConnections();
});

import http from 'node:http';
import pg from 'pg';

/**
 * The strongest Node baseline: node:http and pg, no framework, the member
 * list's query prepared once per connection (a named statement), no auth,
 * rate limits, RLS or validation. What any Node server pays for this request.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_SYSTEM_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const tenantId = process.env.BENCH_TENANT_ID!;
const membersPage = {
  name: 'bench_members_first_page',
  text: `SELECT m.id, m.user_id AS "userId", m.role, u.name, u.email
    FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.tenant_id = $1 AND m.removed_at IS NULL
    ORDER BY m.id LIMIT $2`,
};

interface Row {
  id: string;
  userId: string;
  role: string;
  name: string;
  email: string;
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
  pool.query<Row>({ name: membersPage.name, text: membersPage.text, values: [tenantId, 21] }).then(
    ({ rows }) => {
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

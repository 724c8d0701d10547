import express from 'express';
import pg from 'pg';

/**
 * The baseline: bare Express and pg serving the member list's query, with no
 * auth, rate limits, RLS transaction or validation.
 *
 * With BENCH_PREPARED=1 the query is a named statement, prepared once per
 * connection as in the node:http baseline, and Express adds no ETag (hashing
 * the body) or X-Powered-By, as the gateway adds none: the two then differ
 * only in the framework, which makes this the floor of any Express app
 * serving the query.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_SYSTEM_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const tenantId = process.env.BENCH_TENANT_ID!;
const name = process.env.BENCH_PREPARED === '1' ? 'bench_members_first_page' : undefined;
const app = express();
if (name) app.set('etag', false).disable('x-powered-by');
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/v1/members', async (_req, res) => {
  const { rows } = await pool.query<{ id: string; userId: string; name: string; email: string; role: string }>({
    name,
    text: `SELECT m.id, m.user_id AS "userId", u.name, u.email, m.role
     FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = $1 AND m.removed_at IS NULL ORDER BY m.id LIMIT 21`,
    values: [tenantId],
  });
  res.json({ items: rows.slice(0, 20).map(({ userId, name, email, role }) => ({ userId, name, email, role })), nextCursor: null });
});
const server = app.listen(Number(process.env.PORT));
process.once('SIGTERM', () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  // In-flight requests finish before the pool closes; the load generator has already hung up.
  server.closeIdleConnections();
});

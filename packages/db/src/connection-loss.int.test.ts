import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createDatabase } from './database';

/**
 * Postgres restarting, failing over or ending a backend while a transaction
 * holds its connection: the transaction fails (the request answers 503), the
 * process lives on, and the pool replaces the connection.
 */
const database = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 2 });
const owner = new pg.Client({ connectionString: process.env.DATABASE_OWNER_URL });

beforeAll(() => owner.connect());
afterAll(async () => {
  await owner.end();
  await database.close();
});

test('a connection that dies while a transaction holds it fails that transaction, not the process, and the pool carries on', async () => {
  let pid = 0;
  await expect(
    database.withSystem(async (tx) => {
      pid = (await tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`)).rows[0]!.pid;
      await owner.query('SELECT pg_terminate_backend($1)', [pid]);
      // The backend is gone before the transaction's next statement; its client learns of it between statements.
      for (let seen = true; seen; ) seen = (await owner.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1;
      await new Promise((resolve) => setImmediate(resolve));
      await tx.execute(sql`SELECT 1`);
    }),
  ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/terminat|not queryable/) } });
  const after = await database.withSystem((tx) => tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`));
  expect(after.rows[0]!.pid).not.toBe(pid);
});

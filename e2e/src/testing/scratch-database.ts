import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '@coachline/db/migrate';

export interface DatabaseUrls {
  DATABASE_OWNER_URL: string;
  DATABASE_URL: string;
  DATABASE_SYSTEM_URL: string;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function withUser(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = '';
  return parsed.toString();
}

/**
 * A database of the test's own on a Postgres server, migrated as `pnpm test`
 * migrates its own. Apps whose work spans tenants (the outbox relay, the
 * reminder sweep) then see only this test's rows, so test files run side by
 * side. The roles are the run's (`DATABASE_URL`, `DATABASE_SYSTEM_URL`) on the
 * run's server, else `coachline_app` and `coachline_system`, which the
 * migrations create.
 */
export async function createScratchDatabase(ownerUrl = process.env.DATABASE_OWNER_URL!): Promise<{ urls: DatabaseUrls; drop(): Promise<void> }> {
  const name = `coachline_scratch_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const owner = withDatabase(ownerUrl, name);
  const runServer = ownerUrl === process.env.DATABASE_OWNER_URL;
  const urls: DatabaseUrls = {
    DATABASE_OWNER_URL: owner,
    DATABASE_URL: withDatabase(runServer && process.env.DATABASE_URL ? process.env.DATABASE_URL : withUser(owner, 'coachline_app'), name),
    DATABASE_SYSTEM_URL: withDatabase(runServer && process.env.DATABASE_SYSTEM_URL ? process.env.DATABASE_SYSTEM_URL : withUser(owner, 'coachline_system'), name),
  };
  await runMigrations(owner);
  return {
    urls,
    async drop() {
      const client = new pg.Client({ connectionString: ownerUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

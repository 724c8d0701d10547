// `pnpm db:restore <file>`: restores a `pnpm db:backup` file into the
// development database (or DATABASE_OWNER_URL's), replacing what is there, in
// one transaction: a restore that fails leaves the database as it was.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bootstrap, logger, ROOT } from './lib/platform.mjs';
import { findPgTool } from './lib/pg-tools.mjs';
import { run } from './lib/process.mjs';
import { ensurePostgres, prepareDatabase, ServicesUnavailable } from './lib/services.mjs';

// Roles are cluster-wide, so no dump of one database holds them; the grants and
// policies it restores name these two.
const ROLES = `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coachline_app') THEN CREATE ROLE coachline_app LOGIN NOBYPASSRLS; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coachline_system') THEN CREATE ROLE coachline_system LOGIN BYPASSRLS; END IF;
END
$$`;

const log = logger('restore');
let postgres;
let exitCode = 0;
try {
  const file = process.argv[2] && resolve(process.argv[2]);
  if (!file || !existsSync(file)) throw new Error('usage: pnpm db:restore <file made by pnpm db:backup>');
  await bootstrap(log);
  postgres = await ensurePostgres(ROOT, process.env, log);
  const url = process.env.DATABASE_OWNER_URL ?? (await prepareDatabase(postgres.ownerUrl, process.env.COACHLINE_DATABASE ?? 'coachline')).DATABASE_OWNER_URL;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(ROLES).finally(() => client.end());
  // Any pg_restore at least as new as the pg_dump that made the file restores into any newer server: the newest there is.
  const pgRestore = findPgTool('pg_restore', 0);
  await run(pgRestore, ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-owner', `--dbname=${url}`, file]);
  log(`restored ${file} into ${new URL(url).pathname.slice(1)}`);
} catch (error) {
  exitCode = 1;
  log(error instanceof ServicesUnavailable ? error.message : (error.stack ?? error.message));
} finally {
  await postgres?.stop?.();
}
process.exit(exitCode);

// `pnpm db:backup [file]`: a pg_dump of the development database (or of
// DATABASE_OWNER_URL's) in the custom format, which pg_restore can restore
// whole or in part. Default file: .local/backups/<database>-<time>.dump.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bootstrap, logger, ROOT } from './lib/platform.mjs';
import { findPgTool, serverMajor } from './lib/pg-tools.mjs';
import { run } from './lib/process.mjs';
import { ensurePostgres, ServicesUnavailable, withDatabase } from './lib/services.mjs';

const log = logger('backup');
let postgres;
let exitCode = 0;
try {
  await bootstrap(log);
  postgres = await ensurePostgres(ROOT, process.env, log);
  const database = process.env.COACHLINE_DATABASE ?? 'coachline';
  const url = process.env.DATABASE_OWNER_URL ?? withDatabase(postgres.ownerUrl, database);
  const name = new URL(url).pathname.slice(1) || database;
  const file = resolve(process.argv[2] ?? join(ROOT, '.local', 'backups', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`));
  mkdirSync(dirname(file), { recursive: true });
  const pgDump = findPgTool('pg_dump', await serverMajor(url));
  await run(pgDump, ['--format=custom', '--compress=6', `--file=${file}`, `--dbname=${url}`]);
  log(`backed up ${name} to ${file}`);
} catch (error) {
  exitCode = 1;
  log(error instanceof ServicesUnavailable ? error.message : (error.stack ?? error.message));
} finally {
  await postgres?.stop?.();
}
process.exit(exitCode);

// `pnpm db:migrate`: applies the migrations to the development database, or to
// DATABASE_OWNER_URL's. It starts Postgres when nothing answers, and nothing else.
import { bootstrap, logger, migrate, ROOT } from './lib/platform.mjs';
import { ensurePostgres, prepareDatabase, ServicesUnavailable } from './lib/services.mjs';

const log = logger('migrate');
let postgres;
let exitCode = 0;
try {
  await bootstrap(log);
  postgres = await ensurePostgres(ROOT, process.env, log);
  const urls = await prepareDatabase(postgres.ownerUrl, process.env.COACHLINE_DATABASE ?? 'coachline');
  await migrate(urls);
  log('migrations applied');
} catch (error) {
  exitCode = 1;
  log(error instanceof ServicesUnavailable ? error.message : (error.stack ?? error.message));
} finally {
  await postgres?.stop?.();
}
process.exit(exitCode);

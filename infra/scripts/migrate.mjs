// `pnpm db:migrate`: applies the migrations to the development database.
import { bootstrap, logger, migrate, ROOT } from './lib/platform.mjs';
import { ensureServices, prepareDatabase } from './lib/services.mjs';

const log = logger('migrate');
await bootstrap(log);
const services = await ensureServices(ROOT, process.env, log);
try {
  const urls = await prepareDatabase(services.ownerUrl, process.env.COACHLINE_DATABASE ?? 'coachline');
  await migrate(urls);
  log('migrations applied');
} finally {
  await services.stop();
}

// `pnpm db:seed`: the demo tenant that `pnpm dev` also seeds (idempotent), in
// the development database or DATABASE_OWNER_URL's. The seed signs users up
// through the gateway's own services, so it needs what they need: Postgres,
// Redis for rate limits, and the development secrets.
import { join } from 'node:path';
import { devSecrets } from './lib/dev-secrets.mjs';
import { bootstrap, bin, logger, migrate, ROOT } from './lib/platform.mjs';
import { run } from './lib/process.mjs';
import { ensureServices, prepareDatabase, ServicesUnavailable } from './lib/services.mjs';

const log = logger('seed');
let services;
let exitCode = 0;
try {
  await bootstrap(log);
  services = await ensureServices(ROOT, process.env, log);
  const urls = await prepareDatabase(services.ownerUrl, process.env.COACHLINE_DATABASE ?? 'coachline');
  await migrate(urls);
  const env = { NODE_ENV: 'development', ...devSecrets(ROOT), ...process.env, ...urls, REDIS_URL: process.env.REDIS_URL ?? services.redisUrl, ...services.s3Env };
  await run(bin('tsx'), [join(ROOT, 'apps/api-gateway/src/seed/demo-seed.ts')], { cwd: ROOT, env });
} catch (error) {
  exitCode = 1;
  log(error instanceof ServicesUnavailable ? error.message : (error.stack ?? error.message));
} finally {
  await services?.stop();
}
process.exit(exitCode);

// `pnpm test`: installs what is missing, type-checks and lints, starts or finds
// Postgres and Redis, gives the run a fresh database of its own, then runs every
// test with jest (both projects, unit and int; `pnpm test:unit` needs no services).
import { randomBytes } from 'node:crypto';
import { ensureChromium } from './lib/chromium.mjs';
import { bootstrap, bin, logger, migrate, ROOT } from './lib/platform.mjs';
import { redisFlushDb } from './lib/net.mjs';
import { run } from './lib/process.mjs';
import { resetLocalBucket } from './lib/s3.mjs';
import { ensureServices, prepareDatabase, ServicesUnavailable } from './lib/services.mjs';
import { ensureStripe } from './lib/stripe.mjs';
import { ensureStrava } from './lib/strava.mjs';

const log = logger('test');
let services;
let stripe;
let strava;
let exitCode = 0;
try {
  await bootstrap(log);
  // jest transpiles without type checking, so the type checker runs first; the linter
  // (import boundaries, floating promises) in the same turbo run, as `pnpm lint` runs it.
  log('type-checking and linting every package');
  await run(bin('turbo'), ['run', 'typecheck', 'lint', '--output-logs=errors-only'], { cwd: ROOT, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  services = await ensureServices(ROOT, process.env, log);
  // The browser test (e2e/src/coach-live-browser.int.test.ts) drives Debian's Chromium.
  await ensureChromium(log);
  const database = process.env.COACHLINE_TEST_DATABASE ?? 'coachline_test';
  const urls = await prepareDatabase(services.ownerUrl, database, { fresh: true });
  await migrate(urls);
  // Tests get Redis database 1 of the project's own server, emptied first; development keeps 0.
  let redisUrl = services.redisUrl;
  if (services.redisLocal) {
    redisUrl = `${services.redisUrl.replace(/\/\d*$/, '')}/1`;
    await redisFlushDb(services.redisUrl, 1);
  }
  const env = { ...process.env, ...urls, REDIS_URL: redisUrl, ...services.s3Env, S3_BUCKET: process.env.S3_BUCKET ?? 'coachline-test', NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };
  // One sealing key per run, shared by the gateway and the workers the tests start in one process.
  env.ENCRYPTION_KEYS ??= `test:${randomBytes(32).toString('base64')}`;
  resetLocalBucket(ROOT, services.s3Env, env.S3_BUCKET);
  // A stand-in of the run's own, on any free port: each test routes its accounts' webhooks to its own gateway.
  stripe = await ensureStripe(process.env, { port: Number(process.env.COACHLINE_STRIPE_PORT ?? 0), webhookSecret: `whsec_${randomBytes(24).toString('hex')}`, log });
  Object.assign(env, stripe.env);
  // Any free port: tests send its pushes to gateways of their own.
  strava = await ensureStrava(process.env, { port: Number(process.env.COACHLINE_STRAVA_PORT ?? 0), log });
  Object.assign(env, strava.env);
  log(`running tests against database ${database}`);
  await run(bin('jest'), ['--config', 'jest.config.cjs', ...process.argv.slice(2)], { cwd: ROOT, env });
} catch (error) {
  exitCode = 1;
  if (error instanceof ServicesUnavailable) log(error.message);
  else if (!/jest .* exited with/.test(error.message)) log(error.stack ?? error.message);
} finally {
  await stripe?.stop?.();
  await strava?.stop?.();
  await services?.stop();
}
process.exit(exitCode);

// `pnpm dev`: installs what is missing, starts or finds Postgres and Redis,
// migrates, seeds the demo tenant, then runs every app through turbo. Ctrl-C
// stops the apps and the servers this launcher started.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { devSecrets } from './lib/dev-secrets.mjs';
import { bootstrap, bin, logger, migrate, ROOT } from './lib/platform.mjs';
import { portOpen, waitFor } from './lib/net.mjs';
import { run } from './lib/process.mjs';
import { ensureServices, prepareDatabase, ServicesUnavailable } from './lib/services.mjs';
import { ensureStripe } from './lib/stripe.mjs';
import { ensureStrava } from './lib/strava.mjs';

const log = logger('dev');

/** Development defaults: loose enough for local test suites, as API.md promises. */
const DEV_DEFAULTS = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'info',
  CORS_ORIGINS: 'http://localhost:3000,http://localhost:5173,http://localhost:8080',
  RATE_LIMIT_LOGIN_PER_IP_PER_HOUR: '5000',
  RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '5000',
  RATE_LIMIT_INVITE_PER_IP_PER_HOUR: '5000',
  RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR: '5000',
  RATE_LIMIT_PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR: '100',
  RATE_LIMIT_USER_PER_MINUTE: '10000',
  RATE_LIMIT_TENANT_PER_MINUTE: '100000',
  // One mail folder for the platform, whichever app's folder turbo starts it in.
  MAIL_DIR: join(ROOT, '.local', 'mail'),
};

let services;
let stripe;
let strava;
let apps;
let APP_PORTS = [];
let stopping = false;

/** Signals turbo and every task it started: they run in their own process group. */
function signalApps(signal) {
  try {
    process.kill(-apps.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  if (apps) {
    log('stopping the apps');
    signalApps('SIGINT');
    // Each app exits within 10 s of its signal; what is still up after 12 s is killed.
    const stopped = await waitFor(async () => !(await Promise.all(APP_PORTS.map((port) => portOpen('127.0.0.1', port)))).some(Boolean), { timeoutMs: 12_000, what: 'apps to stop' }).then(
      () => true,
      () => false,
    );
    signalApps(stopped ? 'SIGTERM' : 'SIGKILL');
  }
  if (services) {
    log('stopping the servers this launcher started');
    await stripe?.stop?.();
    await strava?.stop?.();
    await services.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await bootstrap(log);
  services = await ensureServices(ROOT, process.env, log);
  const urls = await prepareDatabase(services.ownerUrl, process.env.COACHLINE_DATABASE ?? 'coachline');
  await migrate(urls);
  APP_PORTS = [Number(process.env.PORT ?? 3000), Number(process.env.REALTIME_PORT ?? 3001), 9101, 9102, 9103, Number(process.env.COACH_LIVE_PORT ?? 5173)];
  const { stripeWebhookSecret, ...secrets } = devSecrets(ROOT);
  const port = Number(process.env.PORT ?? 3000);
  stripe = await ensureStripe(process.env, {
    port: Number(process.env.COACHLINE_STRIPE_PORT ?? 12111),
    webhookSecret: stripeWebhookSecret,
    webhookUrl: `http://127.0.0.1:${port}/v1/webhooks/stripe`,
    log,
  });
  strava = await ensureStrava(process.env, {
    port: Number(process.env.COACHLINE_STRAVA_PORT ?? 12112),
    webhookUrl: `http://127.0.0.1:${port}/v1/webhooks/strava`,
    log,
  });
  const env = { ...DEV_DEFAULTS, ...secrets, ...process.env, ...urls, REDIS_URL: process.env.REDIS_URL ?? services.redisUrl, ...services.s3Env, ...stripe.env, ...strava.env };
  await run(bin('tsx'), [join(ROOT, 'apps/api-gateway/src/seed/demo-seed.ts')], { cwd: ROOT, env });
  log(`queue dashboard: http://localhost:${env.PORT ?? 3000}/admin/queues (${env.QUEUE_DASHBOARD_CREDENTIALS})`);
  log(`API http://localhost:${env.PORT ?? 3000} (docs at /docs), realtime ws://localhost:${env.REALTIME_PORT ?? 3001}`);
  log(`coach live view (examples/coach-live): http://localhost:${env.COACH_LIVE_PORT ?? 5173}`);
  if (stopping) process.exit(0);
  // Its own process group, so shutdown reaches every app whoever sent the signal (a terminal's Ctrl-C or a kill).
  apps = spawn(bin('turbo'), ['run', 'dev', '--env-mode=loose', '--filter=./apps/*', '--filter=./examples/*', ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit', detached: true });
  apps.on('exit', (code) => void shutdown(code ?? 0));
} catch (error) {
  log(error instanceof ServicesUnavailable ? error.message : (error.stack ?? error.message));
  await shutdown(1);
}

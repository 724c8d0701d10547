// `pnpm bench <name>`: sets up services like `pnpm test`, gives the run a fresh
// database, then runs bench/<name>.bench.ts. Every benchmark measures its own
// bare baseline in the same run and reports ratios against it.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap, bin, logger, migrate, ROOT } from './lib/platform.mjs';
import { run } from './lib/process.mjs';
import { resetLocalBucket } from './lib/s3.mjs';
import { ensureServices, prepareDatabase, ServicesUnavailable } from './lib/services.mjs';

const log = logger('bench');
const names = readdirSync(join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = wanted.length ? wanted : names;
for (const name of selected) {
  if (!existsSync(join(ROOT, 'bench', `${name}.bench.ts`))) {
    log(`no benchmark "${name}"; there are: ${names.join(', ')}`);
    process.exit(2);
  }
}
let services;
let exitCode = 0;
try {
  await bootstrap(log);
  services = await ensureServices(ROOT, process.env, log);
  const urls = await prepareDatabase(services.ownerUrl, 'coachline_bench', { fresh: true });
  await migrate(urls);
  const env = { ...process.env, ...urls, REDIS_URL: services.redisUrl, ...services.s3Env, S3_BUCKET: process.env.S3_BUCKET ?? 'coachline-bench', NODE_ENV: 'production', LOG_LEVEL: 'error' };
  // One sealing key per run, as `pnpm test` has: the gateway refuses to start without one.
  env.ENCRYPTION_KEYS ??= `bench:${randomBytes(32).toString('base64')}`;
  resetLocalBucket(ROOT, services.s3Env, env.S3_BUCKET);
  for (const name of selected) {
    log(`running ${name}`);
    await run(bin('tsx'), [join(ROOT, 'bench', `${name}.bench.ts`)], { cwd: ROOT, env });
  }
} catch (error) {
  exitCode = 1;
  log(error instanceof ServicesUnavailable ? error.message : (error.stack ?? error.message));
} finally {
  await services?.stop();
}
process.exit(exitCode);

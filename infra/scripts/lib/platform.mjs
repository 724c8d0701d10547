import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './deps.mjs';
import { run } from './process.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function logger(name) {
  return (message) => process.stdout.write(`[${name}] ${message}\n`);
}

/** Reads .env then .env.local from the root, never overriding what the shell already set. */
export function loadEnvFiles() {
  for (const file of ['.env.local', '.env']) {
    const path = join(ROOT, file);
    if (existsSync(path)) process.loadEnvFile(path);
  }
}

/** Everything the launchers do before services: env files and dependencies. */
export async function bootstrap(log) {
  loadEnvFiles();
  await ensureDependencies(ROOT, log);
}

export function bin(name) {
  return join(ROOT, 'node_modules', '.bin', name);
}

/** Applies the SQL migrations as the owner role. */
export async function migrate(env) {
  await run(bin('tsx'), [join(ROOT, 'packages/db/src/migrate-cli.ts')], { cwd: ROOT, env: { ...process.env, ...env } });
}

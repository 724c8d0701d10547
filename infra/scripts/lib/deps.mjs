// Uses only Node's built-ins: it runs before the dependencies exist.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './process.mjs';

const STAMP = 'node_modules/.coachline-deps';

function manifestsHash(root) {
  const hash = createHash('sha256');
  const files = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  for (const group of ['apps', 'packages']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) files.push(join(group, name, 'package.json'));
  }
  for (const file of files) {
    const path = join(root, file);
    hash.update(file).update(existsSync(path) ? readFileSync(path) : '');
  }
  return hash.digest('hex');
}

/** Records that node_modules matches the manifests; the root postinstall calls it after any install. */
export function recordDependencies(root) {
  writeFileSync(join(root, STAMP), manifestsHash(root));
}

/** Installs the workspace's dependencies when they are missing or older than the manifests. */
export async function ensureDependencies(root, log) {
  const wanted = manifestsHash(root);
  const stampPath = join(root, STAMP);
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === wanted) return;
  log('installing dependencies (pnpm install)');
  const args = ['install'];
  if (process.env.CI) args.push('--frozen-lockfile');
  await run('pnpm', args, { cwd: root });
  recordDependencies(root);
}

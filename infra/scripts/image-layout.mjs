// `node infra/scripts/image-layout.mjs <app> <folder>`: lays out in <folder> the
// files infra/Dockerfile puts in an app's image (the pruned workspace with
// production dependencies only, the app's dist/ and the migration command),
// without Docker, and prints their size. Run `pnpm build` first.
// Machines without a Docker engine use it to measure an image's contents and to
// start the app from exactly those files.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bin, ROOT } from './lib/platform.mjs';

const APPS = ['api-gateway', 'realtime', 'scheduler', 'notifications-worker', 'media-worker'];

function sh(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', CI: 'true' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Bytes under a folder, hard links into the pnpm store counted like files: they are files in an image. */
export function folderBytes(folder) {
  return Number(sh('du', ['-sb', '--count-links', folder], ROOT).split('\t')[0]);
}

/** Builds the layout of `app`'s image in `target` and returns its size in bytes. */
export function layOut(app, target) {
  if (!APPS.includes(app)) throw new Error(`unknown app "${app}"; one of ${APPS.join(', ')}`);
  const dist = join(ROOT, 'apps', app, 'dist', 'main.js');
  if (!existsSync(dist) || !existsSync(join(ROOT, 'packages/db/dist/migrate-cli.js'))) throw new Error('run `pnpm build` first');
  const pruned = `${target}.pruned`;
  rmSync(target, { recursive: true, force: true });
  rmSync(pruned, { recursive: true, force: true });
  // The Dockerfile's pruner stage.
  sh(bin('turbo'), ['prune', `@coachline/${app}`, '--docker', '--out-dir', pruned], ROOT);
  // Its deps stage: manifests, lockfile and the postinstall script, then production dependencies only.
  mkdirSync(target, { recursive: true });
  cpSync(join(pruned, 'json'), target, { recursive: true });
  cpSync(join(ROOT, 'infra/scripts'), join(target, 'infra/scripts'), { recursive: true });
  sh('pnpm', ['install', '--frozen-lockfile', '--prod', '--prefer-offline', '--config.confirmModulesPurge=false'], target);
  // Its runner stage: what the builder stage made.
  cpSync(join(ROOT, 'apps', app, 'dist'), join(target, 'apps', app, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'packages/db/dist'), join(target, 'packages/db/dist'), { recursive: true });
  cpSync(join(ROOT, 'packages/db/migrations'), join(target, 'packages/db/migrations'), { recursive: true });
  rmSync(join(target, 'infra'), { recursive: true, force: true });
  rmSync(pruned, { recursive: true, force: true });
  return folderBytes(target);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [app, folder] = process.argv.slice(2);
  if (!app || !folder) {
    process.stderr.write('usage: node infra/scripts/image-layout.mjs <app> <folder>\n');
    process.exit(2);
  }
  const bytes = layOut(app, resolve(folder));
  process.stdout.write(`${app}: ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${resolve(folder)}\n`);
}

// Runs one app for `pnpm dev` (its package's `dev` script): TypeScript through
// tsx, started again when it dies and restarted when a source file of the app or
// of a workspace package changes. SIGINT or SIGTERM stops it, restarted or not.
import { join, resolve } from 'node:path';
import { logger, ROOT } from './lib/platform.mjs';
import { supervise } from './lib/supervisor.mjs';

const entry = process.argv[2] ?? 'src/main.ts';
const appDir = process.cwd();
const name = appDir.split('/').pop();
const supervisor = supervise({
  name,
  // Node with tsx's loader rather than the tsx CLI: one process, so what the supervisor signals is the app itself.
  command: process.execPath,
  args: ['--import', 'tsx', resolve(appDir, entry)],
  cwd: appDir,
  env: process.env,
  watch: [join(appDir, 'src'), join(ROOT, 'packages')],
  ignored: (path) => /node_modules|\/dist\/|\.test\.ts$/.test(path),
  log: logger(`dev ${name}`),
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void supervisor.stop().then(() => process.exit(0));
  });
}

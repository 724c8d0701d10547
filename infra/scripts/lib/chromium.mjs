// The browser test drives Debian's Chromium through playwright-core: Playwright's
// own browser downloads are not reachable from every machine, Debian's package is.
import { existsSync } from 'node:fs';
import { isRoot, hasCommand, run } from './process.mjs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Installs Debian's chromium when it is missing and we may; otherwise says what to do and lets the browser test say it is missing. */
export async function ensureChromium(log) {
  if (existsSync(CHROMIUM_PATH)) return;
  if (!isRoot() || !hasCommand('apt-get')) {
    log(`chromium is missing at ${CHROMIUM_PATH}: install it with your package manager (apt-get install chromium); the browser test fails without it`);
    return;
  }
  log('chromium is missing: installing it with apt-get (about a minute)');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], quiet);
  } catch {
    await run('apt-get', ['update'], quiet);
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], quiet);
  }
}

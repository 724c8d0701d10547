import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@coachline/testing/eventually';
import { freePort } from '@coachline/testing/free-port';

export const COACH_LIVE_DIR = path.join(__dirname, '..', '..', '..', 'examples', 'coach-live');
const VITE = path.join(COACH_LIVE_DIR, 'node_modules', 'vite', 'bin', 'vite.js');

/**
 * examples/coach-live built for production and served by `vite preview`, its
 * `/v1` and `/socket.io` forwarded to the given gateway and realtime (the
 * example's vite.config.ts), so the page is what a browser gets from a deploy.
 * A production build rather than the dev server: the dev server optimises
 * dependencies on first load and may reload the page under the test.
 */
export async function serveCoachLive(apiUrl: string, realtimeUrl: string) {
  const outDir = mkdtempSync(path.join(tmpdir(), 'coach-live-'));
  const env = { ...process.env, COACHLINE_API_URL: apiUrl, COACHLINE_REALTIME_URL: realtimeUrl };
  const build = spawnSync(process.execPath, [VITE, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: COACH_LIVE_DIR, env, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);

  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [VITE, 'preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: COACH_LIVE_DIR, env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(url)).ok, 'the coach-live page to be served');
  return {
    url,
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

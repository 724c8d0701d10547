import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { testEnv } from '@coachline/api-gateway/testing/test-env';
import { freePort } from '@coachline/testing/free-port';

/**
 * Every app as a real process, started the way `pnpm dev` starts it: each must
 * answer /health, /health/ready (db and redis up) and /metrics, and exit 0
 * within 10 s of SIGTERM.
 */
const ROOT = path.resolve(__dirname, '../..');
const APPS: Array<{ name: string; portVar: string }> = [
  { name: 'api-gateway', portVar: 'PORT' },
  { name: 'realtime', portVar: 'REALTIME_PORT' },
  { name: 'scheduler', portVar: 'HEALTH_PORT' },
  { name: 'notifications-worker', portVar: 'HEALTH_PORT' },
  { name: 'media-worker', portVar: 'HEALTH_PORT' },
];

async function waitForReady(port: number, child: ChildProcess, output: () => string): Promise<Response> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status === 200) return res;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready within 60 s:\n${output()}`);
}

describe.each(APPS)('$name process', ({ name, portVar }) => {
  test('serves health, readiness and metrics, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps', name, 'src/main.ts')], {
      cwd: ROOT,
      env: { ...testEnv(), [portVar]: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const ready = await waitForReady(port, child, () => output);
      const body = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect(body).toMatchObject({ status: 'ready', checks: { db: 'up', redis: 'up' } });
      expect(Object.values(body.checks).every((check) => check === 'up')).toBe(true);
      // The scheduler is ready only once its outbox relay runs.
      if (name === 'scheduler') expect(body.checks).toMatchObject({ relay: 'up' });
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ status: 'ok' });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total');

      const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
        const started = Date.now();
        child.once('exit', (code) => resolve({ code, ms: Date.now() - started }));
      });
      child.kill('SIGTERM');
      const { code, ms } = await exited;
      expect({ code, withinDeadline: ms < 10_000 }).toEqual({ code: 0, withinDeadline: true });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});

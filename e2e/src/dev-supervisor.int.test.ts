import { spawn } from 'node:child_process';
import path from 'node:path';
import { testEnv } from '@coachline/api-gateway/testing/test-env';
import { eventually } from '@coachline/testing/eventually';
import { freePort } from '@coachline/testing/free-port';

/**
 * `pnpm dev` runs each app under infra/scripts/dev-app.mjs (the app's `dev`
 * script, which turbo calls). An app killed from outside comes back by itself,
 * and SIGINT stops the supervisor with the incarnation running now.
 */
const ROOT = path.resolve(__dirname, '../..');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const healthy = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
  } catch {
    return false;
  }
};

test('a killed app is started again, and SIGINT stops the restarted one too', async () => {
  const port = await freePort();
  const supervisor = spawn(process.execPath, [path.join(ROOT, 'infra/scripts/dev-app.mjs'), 'src/main.ts'], {
    cwd: path.join(ROOT, 'apps', 'scheduler'),
    env: { ...testEnv(), HEALTH_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  supervisor.stdout.on('data', (d) => (output += d));
  supervisor.stderr.on('data', (d) => (output += d));
  const pids = () => [...output.matchAll(/scheduler started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
  const exited = new Promise<number | null>((resolve) => supervisor.once('exit', resolve));
  try {
    await eventually(() => healthy(port), 'the scheduler to answer', 60_000);
    const [first] = pids();
    expect(first).toBeDefined();

    process.kill(first!, 'SIGKILL');
    const second = await eventually(() => pids().find((pid) => pid !== first), 'a second incarnation', 30_000);
    await eventually(() => healthy(port), 'the restarted scheduler to answer', 60_000);
    expect(alive(first!)).toBe(false);

    supervisor.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(alive(second)).toBe(false);
    expect(await healthy(port)).toBe(false);
  } finally {
    if (supervisor.exitCode === null) supervisor.kill('SIGKILL');
    for (const pid of pids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}, 150_000);

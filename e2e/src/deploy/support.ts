import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

export { freePort } from '@coachline/testing/free-port';

/**
 * Builds every app and the db package through turbo, as `pnpm build` does; cached
 * builds take well under a second and leave dist/ untouched. Under flock where
 * there is one: two test files building at once would each clean dist/ under
 * the other's running processes.
 */
export function buildAll(): void {
  const turbo = [path.join(ROOT, 'node_modules/.bin/turbo'), 'run', 'build', '--output-logs=errors-only'];
  const hasFlock = spawnSync('sh', ['-c', 'command -v flock'], { encoding: 'utf8' }).status === 0;
  mkdirSync(path.join(ROOT, '.local'), { recursive: true });
  const [command = '', ...args] = hasFlock ? ['flock', path.join(ROOT, '.local', 'build.lock'), ...turbo] : turbo;
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`pnpm build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface Started {
  child: ChildProcess;
  output: () => string;
}

export function startNode(args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

export async function waitForStatus(url: string, status: number, started: Started, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`exited early with ${started.child.exitCode}:\n${started.output()}`);
    try {
      const res = await fetch(url);
      if (res.status === status) return res;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms:\n${started.output()}`);
}

/**
 * Waits for the app's own "listening" or "started" log line (at LOG_LEVEL info).
 * Readiness can come first: the scheduler answers /health/ready before its relay
 * has started and before it handles SIGTERM.
 */
export async function waitForStarted(started: Started, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/"message":"[^"]*(listening|started)"/.test(started.output())) {
    if (started.child.exitCode !== null) throw new Error(`exited early with ${started.child.exitCode}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`no "listening" or "started" log line within ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends SIGTERM and resolves with the exit code, or rejects when the process outlives the apps' 10 s shutdown budget. */
export function stop(started: Started, timeoutMs = 10_000): Promise<number | null> {
  const { child } = started;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running ${timeoutMs} ms after SIGTERM:\n${started.output()}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** The test run's connections, in production mode, with the secrets production requires. */
export function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    JWT_SECRET: 'a-production-build-test-secret-of-64-characters-0123456789abcdef',
    // The notifications worker refuses to start in production without them; a push is never sent here.
    VAPID_PUBLIC_KEY: 'BExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExampleExample',
    VAPID_PRIVATE_KEY: 'example-private-key-example-private-key-01',
    ...extra,
  };
}

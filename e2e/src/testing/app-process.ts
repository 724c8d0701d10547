import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@coachline/testing/free-port';
import { ROOT, startNode, waitForStarted, waitForStatus, type Started } from '../deploy/support';

export type AppName = 'api-gateway' | 'realtime' | 'scheduler' | 'notifications-worker' | 'media-worker';

/** The variable each app takes its port from: the HTTP apps' own, the workers' health side port. */
export const PORT_VARIABLE: Record<AppName, string> = {
  'api-gateway': 'PORT',
  realtime: 'REALTIME_PORT',
  scheduler: 'HEALTH_PORT',
  'notifications-worker': 'HEALTH_PORT',
  'media-worker': 'HEALTH_PORT',
};

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess extends Started {
  readonly name: AppName;
  readonly port: number;
  readonly pid: number;
  url(pathname: string): string;
  /** Resolves with how the process ended, once it has. */
  readonly exited: Promise<Exit>;
  /** Sends the signal (SIGKILL unless told) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

const running = new Set<AppProcess>();
// A test process that dies must not leave its apps behind.
process.once('exit', () => {
  for (const app of running) app.child.kill('SIGKILL');
});

/**
 * One app as a real process, started the way `pnpm dev` starts it (its
 * src/main.ts under tsx), on a port of its own. Resolves once the app has
 * logged that it started and its readiness check answers 200 (so `env` must
 * keep LOG_LEVEL at info or below), or at once with `{ wait: false }`.
 */
export async function startApp(name: AppName, env: Record<string, string | undefined>, options: { wait?: boolean } = {}): Promise<AppProcess> {
  const port = await freePort();
  const started = startNode(['--import', 'tsx', path.join(ROOT, 'apps', name, 'src/main.ts')], { ...env, [PORT_VARIABLE[name]]: String(port) });
  const { child } = started;
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const app: AppProcess = {
    ...started,
    name,
    port,
    pid: child.pid!,
    url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(app);
  void exited.then(() => running.delete(app));
  if (options.wait === false) return app;
  try {
    await waitForStarted(started);
    await waitForStatus(app.url('/health/ready'), 200, started);
  } catch (error) {
    await app.kill();
    throw error;
  }
  return app;
}

/** The processes whose parent is `pid`, with their command names (Linux's /proc). */
export function childrenOf(pid: number): Array<{ pid: number; command: string }> {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may hold spaces and parentheses, so split at the last ")".
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      return Number(ppid) === pid && state !== 'Z' ? [{ pid: Number(entry), command: stat.slice(stat.indexOf('(') + 1, close) }] : [];
    } catch {
      return [];
    }
  });
}

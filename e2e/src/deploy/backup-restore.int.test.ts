import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, ROOT } from './support';

/**
 * `pnpm db:backup` and `pnpm db:restore` round trip: a migrated database with
 * the demo tenant is backed up, wiped (database and roles, as on a new
 * cluster), restored, and compared row for row, with row-level security still
 * confining the app role to its tenant.
 *
 * pg_dump refuses servers newer than itself, and the run's own Postgres (the
 * embedded 18) is newer than the client tools Debian 12 ships (15); so this
 * runs against a throwaway cluster of the system's Postgres, the server those
 * tools are for. Our machines have its binaries (Debian's postgresql-15).
 */
const PG_LIB = '/usr/lib/postgresql';
const bin = existsSync(PG_LIB)
  ? readdirSync(PG_LIB)
      .filter((d) => /^\d+$/.test(d))
      .sort((a, b) => Number(b) - Number(a))
      .map((d) => path.join(PG_LIB, d, 'bin'))
      .find((d) => ['initdb', 'pg_ctl', 'pg_dump', 'pg_restore'].every((tool) => existsSync(path.join(d, tool))))
  : undefined;
const isRoot = process.getuid?.() === 0;

function asPostgres(command: string, args: string[]): { status: number | null; output: string } {
  const result = isRoot ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', [command, ...args].map((a) => `'${a}'`).join(' ')], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Every row of every table in public and drizzle, hashed per table: equal fingerprints, equal data. */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(url, "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname IN ('public', 'drizzle') ORDER BY 1");
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await query<{ hash: string; n: string }>(url, `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash, count(*) AS n FROM ${name} t`);
    out[name] = `${row?.n ?? 0}:${row?.hash ?? ''}`;
  }
  return out;
}

const describeWithPostgres = bin ? describe : describe.skip;
if (!bin) console.warn(`backup-restore.int.test.ts skipped: no PostgreSQL server binaries under ${PG_LIB} (apt-get install postgresql)`);

describeWithPostgres('pnpm db:backup and pnpm db:restore', () => {
  const dataDir = path.join(ROOT, '.local', `backup-test-${process.pid}`);
  const backupFile = path.join(ROOT, '.local', `backup-test-${process.pid}.dump`);
  let port: number;
  let admin: string;
  let owner: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    port = await freePort();
    mkdirSync(dataDir, { recursive: true });
    if (isRoot) spawnSync('chown', ['-R', 'postgres', dataDir]);
    const init = asPostgres(path.join(bin!, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.output}`);
    const start = asPostgres(path.join(bin!, 'pg_ctl'), ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c fsync=off`, '-w', 'start']);
    if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.output}`);
    admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
    owner = `postgres://postgres@127.0.0.1:${port}/coachline`;
    await query(admin, 'CREATE DATABASE coachline');
    env = {
      ...process.env,
      DATABASE_OWNER_URL: owner,
      DATABASE_URL: `postgres://coachline_app@127.0.0.1:${port}/coachline`,
      DATABASE_SYSTEM_URL: `postgres://coachline_system@127.0.0.1:${port}/coachline`,
      JWT_SECRET: 'backup-restore-test-secret-0123456789abcdef0123456789',
      NODE_ENV: 'test',
    };
    const migrated = await runNode(['--import', 'tsx', 'packages/db/src/migrate-cli.ts'], env);
    if (migrated.code !== 0) throw new Error(`migrations failed: ${migrated.output}`);
    const seeded = await runNode(['--import', 'tsx', 'apps/api-gateway/src/seed/demo-seed.ts'], env);
    if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.output}`);
  }, 120_000);

  afterAll(() => {
    if (existsSync(path.join(dataDir, 'PG_VERSION'))) asPostgres(path.join(bin!, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(backupFile, { force: true });
  });

  test("backs up, survives a wiped database and roles, and restores the tenant's data intact, still confined by row-level security", async () => {
    const [tenant] = await query<{ id: string }>(owner, 'SELECT id FROM tenants ORDER BY created_at LIMIT 1');
    expect(tenant).toBeDefined();
    const before = await fingerprint(owner);
    for (const table of ['public.tenants', 'public.memberships', 'public.programs', 'public.program_planned_sets', 'drizzle.__drizzle_migrations']) {
      expect(Number(before[table]?.split(':')[0])).toBeGreaterThan(0);
    }

    const backup = await runNode([path.join(ROOT, 'infra/scripts/db-backup.mjs'), backupFile], env);
    expect({ code: backup.code, output: backup.output }).toEqual({ code: 0, output: expect.stringContaining('backed up coachline') });
    // pg_dump's custom format, which pg_restore can read selectively.
    expect(readFileSync(backupFile).subarray(0, 5).toString()).toBe('PGDMP');

    await query(admin, 'DROP DATABASE coachline WITH (FORCE)');
    await query(admin, 'DROP ROLE coachline_app, coachline_system');
    await query(admin, 'CREATE DATABASE coachline');
    expect(await fingerprint(owner)).toEqual({});

    const restore = await runNode([path.join(ROOT, 'infra/scripts/db-restore.mjs'), backupFile], env);
    expect({ code: restore.code, output: restore.output }).toEqual({ code: 0, output: expect.stringContaining('restored') });
    expect(await fingerprint(owner)).toEqual(before);

    // The app role sees its tenant's rows with the tenant set, and nothing without.
    const app = new pg.Client({ connectionString: env.DATABASE_URL });
    await app.connect();
    try {
      await app.query('BEGIN');
      expect(Number((await app.query<{ n: string }>('SELECT count(*) AS n FROM programs')).rows[0]?.n)).toBe(0);
      await app.query("SELECT set_config('app.tenant_id', $1, true)", [tenant?.id]);
      expect(Number((await app.query<{ n: string }>('SELECT count(*) AS n FROM programs')).rows[0]?.n)).toBeGreaterThan(0);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
    // The migration history came back too: migrating again changes nothing.
    expect((await runNode(['--import', 'tsx', 'packages/db/src/migrate-cli.ts'], env)).code).toBe(0);
    expect(await fingerprint(owner)).toEqual(before);
  }, 120_000);

  test('pnpm db:migrate touches Postgres and nothing else', async () => {
    const redisPort = await freePort();
    const s3Port = await freePort();
    // No Redis or S3 configured, and their project-local ports free: a launcher that wanted them would start them and say so.
    const rest = { ...env };
    delete rest['REDIS_URL'];
    delete rest['S3_ENDPOINT'];
    const migrate = await runNode([path.join(ROOT, 'infra/scripts/migrate.mjs')], { ...rest, COACHLINE_DATABASE: 'coachline', COACHLINE_REDIS_PORT: String(redisPort), COACHLINE_S3_PORT: String(s3Port) });
    expect({ code: migrate.code, output: migrate.output }).toEqual({ code: 0, output: expect.stringContaining('migrations applied') });
    expect(migrate.output).not.toMatch(/redis|s3|ffmpeg/i);
  }, 60_000);

  test('a damaged backup is refused and leaves the database as it was', async () => {
    const before = await fingerprint(owner);
    const damaged = `${backupFile}.damaged`;
    const bytes = readFileSync(backupFile);
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    try {
      const restore = await runNode([path.join(ROOT, 'infra/scripts/db-restore.mjs'), damaged], env);
      expect(restore.code).not.toBe(0);
      expect(await fingerprint(owner)).toEqual(before);
    } finally {
      rmSync(damaged, { force: true });
    }
  }, 60_000);
});

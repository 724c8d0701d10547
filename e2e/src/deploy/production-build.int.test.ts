import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { exported, metricNames, named } from './monitoring-model';
import { buildAll, freePort, productionEnv, ROOT, startNode, stop, waitForStarted, waitForStatus } from './support';

/**
 * What `pnpm build` ships: every app's dist/main.js started with plain node
 * (no tsx, no TypeScript), in production mode, against the test run's
 * Postgres, Redis and S3. The bundle moves our packages' code into the app, so
 * these also check what a bundle can break: imports resolved from the package
 * that made them, tracing still patching the modules it instruments, the media
 * worker's forked child, and the migrations folder the migration command finds.
 */
const APPS = [
  { name: 'api-gateway', portVar: 'PORT' },
  { name: 'realtime', portVar: 'REALTIME_PORT' },
  { name: 'scheduler', portVar: 'HEALTH_PORT' },
  { name: 'notifications-worker', portVar: 'HEALTH_PORT' },
  { name: 'media-worker', portVar: 'HEALTH_PORT' },
];

// One build for every test here: a second build in another test file would rewrite dist/ under running processes.
beforeAll(() => buildAll(), 180_000);

/** Each app's /metrics, as scraped below; the monitoring checks at the end read them. */
const scrapes = new Map<string, string>();

describe.each(APPS)('$name from dist/main.js', ({ name, portVar }) => {
  test('starts with plain node, is ready, serves metrics and exits 0 on SIGTERM', async () => {
    const main = path.join(ROOT, 'apps', name, 'dist/main.js');
    expect(existsSync(main)).toBe(true);
    const port = await freePort();
    const started = startNode([main], productionEnv({ [portVar]: String(port) }));
    try {
      await waitForStarted(started);
      expect(await (await waitForStatus(`http://127.0.0.1:${port}/health`, 200, started)).json()).toEqual({ status: 'ok' });
      const ready = await waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, started);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { db: 'up', redis: 'up' } });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // Every series carries the service label the alert rules group by.
      const samples = metrics.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(samples.length).toBeGreaterThan(0);
      expect(samples.filter((l) => !l.includes(`service="${name}"`))).toEqual([]);
      scrapes.set(name, metrics);
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });
});

test('the SDK builds to an ES module with declarations that needs nothing of the server\'s', () => {
  const dist = path.join(ROOT, 'packages/sdk/dist');
  const code = readFileSync(path.join(dist, 'index.mjs'), 'utf8');
  const imported = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  expect(imported.sort()).toEqual(['openapi-fetch', 'socket.io-client']);
  const declarations = readFileSync(path.join(dist, 'index.d.mts'), 'utf8');
  expect(declarations).toMatch(/interface paths \{[\s\S]*"\/v1\/workouts\/\{id\}\/sets"/);
  expect(declarations).toMatch(/interface ClientEvents \{[\s\S]*"set:complete"/);
  // Loaded as a consumer loads it: plain Node, ES modules, no TypeScript.
  const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(dist, 'index.mjs'))}); console.log(typeof m.createCoachlineClient, typeof m.ProblemError, typeof m.connectLive);`], { encoding: 'utf8' });
  expect(loaded.stdout.trim()).toBe('function function function');
});

test('the bundled gateway is still traced: pg, ioredis and express spans reach the OTLP endpoint', async () => {
  const bodies: string[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const otlpPort = (receiver.address() as { port: number }).port;
  const port = await freePort();
  const started = startNode(
    [path.join(ROOT, 'apps/api-gateway/dist/main.js')],
    productionEnv({ PORT: String(port), OTEL_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}` }),
  );
  const scopes = ['@opentelemetry/instrumentation-pg', '@opentelemetry/instrumentation-ioredis', '@opentelemetry/instrumentation-express'];
  const exported = () => bodies.join('\n');
  try {
    // Readiness runs a query under an Express route; a login attempt runs the Redis rate limiter inside the request's span.
    await waitForStarted(started);
    await waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, started);
    await fetch(`http://127.0.0.1:${port}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nobody@example.com","password":"not-the-password"}' });
    // The batch span processor exports every 5 s.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !scopes.every((scope) => exported().includes(scope))) await new Promise((r) => setTimeout(r, 250));
  } finally {
    expect(await stop(started)).toBe(0);
    await new Promise((resolve) => receiver.close(resolve));
  }
  for (const scope of scopes) expect(exported()).toContain(scope);
});

test("the media worker's built image child renders variants without a TypeScript loader", async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'coachline-child-'));
  try {
    const input = path.join(work, 'in.png');
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } }).png().toFile(input);
    const child = fork(path.join(ROOT, 'apps/media-worker/dist/image.child.js'), [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const reply = await new Promise<{ ok: boolean; result?: { variants: Array<{ name: string; width: number }> } }>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`image child exited with ${code}`)));
      child.send({ id: 1, input, outDir: work, maxPixels: 10_000_000 });
    });
    child.disconnect();
    expect(reply.ok).toBe(true);
    expect(reply.result?.variants.map((v) => v.name).sort()).toEqual(['medium', 'thumb']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the built migration command finds its SQL files and migrates an empty database', async () => {
  const ownerUrl = process.env.DATABASE_OWNER_URL;
  if (!ownerUrl) throw new Error('DATABASE_OWNER_URL is unset: run through `pnpm test`');
  const database = `coachline_build_${process.pid}`;
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    const target = new URL(ownerUrl);
    target.pathname = `/${database}`;
    const started = startNode([path.join(ROOT, 'packages/db/dist/migrate-cli.js')], { ...process.env, DATABASE_OWNER_URL: target.toString() });
    const code = await new Promise<number | null>((resolve) => started.child.once('exit', resolve));
    expect({ code, output: started.output() }).toEqual({ code: 0, output: '' });
    const client = new pg.Client({ connectionString: target.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('tenants', 'outbox_events')");
      expect(Number(rows[0]?.n)).toBe(2);
    } finally {
      await client.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
});

describe('infra/monitoring against those scrapes', () => {
  test.each(named)('$where names only metrics the apps export', ({ expr }) => {
    expect(scrapes.size).toBe(APPS.length);
    const all = [...scrapes.values()].join('\n');
    const names = metricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((metric) => !exported(all, metric))).toEqual([]);
  });
});

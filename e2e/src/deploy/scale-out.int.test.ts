import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { debianNginx, type Nginx } from './nginx-binary';
import { nginxArgs, prepareEdge } from './nginx-local';
import { buildAll, freePort, productionEnv, ROOT, startNode, stop, waitForStarted, waitForStatus, type Started } from './support';

/**
 * Scale-out on one machine: two api-gateways, two realtime servers, two
 * schedulers and two notifications workers, all from their builds, behind
 * infra/nginx/nginx.conf on loopback ports, in a database of their own. A burst
 * of posts and live sets goes through nginx; mid-burst one of each app is
 * killed (SIGKILL). Then: every notification exists exactly once, every set is
 * stored exactly once, every set not cut off by the kill reached a coach
 * connected to the surviving realtime instance (a cut-off one may not: see the
 * known gap below), and both gateways served part of the load.
 */
const nginx = debianNginx();
const describeWithNginx = nginx ? describe : describe.skip;
if (!nginx) console.warn('scale-out.int.test.ts skipped: no nginx and no apt-get/dpkg to unpack Debian\'s on this machine');

const POSTS_PER_ATHLETE = 15;
const SETS = 30;
const PASSWORD = 'scale-out-password-0123';

function parseJson(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return { raw: text };
  }
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

describeWithNginx('two of each app behind nginx', () => {
  const binary = nginx as Nginx;
  const database = `coachline_scale_${process.pid}`;
  const processes: Record<string, Started> = {};
  const mailDirs: string[] = [];
  let ownerUrl: string;
  let edge: { work: string; ca: Buffer };
  let edgeMaster: ChildProcess;
  let httpsPort: number;
  const ports: Record<string, number> = {};

  function request(method: string, urlPath: string, token?: string, body?: unknown): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (payload) headers['content-type'] = 'application/json';
      if (token) headers['authorization'] = `Bearer ${token}`;
      const req = https.request({ host: '127.0.0.1', port: httpsPort, method, path: urlPath, headers, ca: edge.ca, servername: 'localhost', agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseJson(text) }));
      });
      // An instance killed mid-request leaves nginx's 502 page or a reset; neither may hang the burst.
      req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** What a client does when an instance dies under its request: the same request again, until it is answered. */
  async function until(method: string, urlPath: string, token: string | undefined, body: unknown, ok: (r: Reply) => boolean): Promise<Reply & { attempts: number }> {
    for (let attempts = 1; attempts <= 20; attempts++) {
      const reply = await request(method, urlPath, token, body).catch(() => ({ status: 0, body: {} }));
      if (ok(reply)) return { ...reply, attempts };
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${method} ${urlPath} never succeeded`);
  }

  beforeAll(async () => {
    buildAll();
    const admin = new pg.Client({ connectionString: process.env.DATABASE_OWNER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = (u: string | undefined) => {
      const parsed = new URL(u ?? '');
      parsed.pathname = `/${database}`;
      return parsed.toString();
    };
    ownerUrl = url(process.env.DATABASE_OWNER_URL);
    const migrate = startNode([path.join(ROOT, 'packages/db/dist/migrate-cli.js')], { ...process.env, DATABASE_OWNER_URL: ownerUrl });
    expect(await new Promise((resolve) => migrate.child.once('exit', resolve))).toBe(0);

    for (const name of ['gw1', 'gw2', 'rt1', 'rt2', 'sch1', 'sch2', 'nw1', 'nw2', 'http', 'https']) ports[name] = await freePort();
    httpsPort = ports['https'] ?? 0;
    const env = productionEnv({
      DATABASE_URL: url(process.env.DATABASE_URL),
      DATABASE_SYSTEM_URL: url(process.env.DATABASE_SYSTEM_URL),
      // Its own queues: other test files share this Redis database.
      QUEUE_PREFIX: `{scale-${process.pid}}`,
      TRUST_PROXY: '1',
      RATE_LIMIT_LOGIN_PER_IP_PER_HOUR: '100000',
      RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '100000',
      RATE_LIMIT_INVITE_PER_IP_PER_HOUR: '100000',
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_TENANT_PER_MINUTE: '1000000',
      REALTIME_EVENTS_PER_SECOND: '1000',
      REALTIME_EVENT_BURST: '1000',
    });
    const launch = (id: string, app: string, portVar: string, extra: Record<string, string> = {}) => {
      processes[id] = startNode([path.join(ROOT, 'apps', app, 'dist/main.js')], { ...env, [portVar]: String(ports[id]), ...extra });
    };
    launch('gw1', 'api-gateway', 'PORT');
    launch('gw2', 'api-gateway', 'PORT');
    launch('rt1', 'realtime', 'REALTIME_PORT');
    launch('rt2', 'realtime', 'REALTIME_PORT');
    launch('sch1', 'scheduler', 'HEALTH_PORT');
    launch('sch2', 'scheduler', 'HEALTH_PORT');
    for (const id of ['nw1', 'nw2']) {
      const dir = mkdtempSync(path.join(tmpdir(), `coachline-mail-${id}-`));
      mailDirs.push(dir);
      launch(id, 'notifications-worker', 'HEALTH_PORT', { MAIL_DIR: dir });
    }
    for (const [id, started] of Object.entries(processes)) {
      await waitForStarted(started);
      await waitForStatus(`http://127.0.0.1:${ports[id]}/health/ready`, 200, started);
    }

    edge = prepareEdge({ http: ports['http'] ?? 0, https: httpsPort, api: [ports['gw1'] ?? 0, ports['gw2'] ?? 0], realtime: [ports['rt1'] ?? 0, ports['rt2'] ?? 0] }, binary);
    edgeMaster = spawn(binary.bin, [...nginxArgs(edge.work, path.join(edge.work, 'nginx.conf')), '-g', `daemon off; pid ${edge.work}/nginx.pid;`], { stdio: 'ignore' });
    await until('GET', '/health', undefined, undefined, (r) => r.status === 200);
  }, 240_000);

  afterAll(async () => {
    if (edgeMaster && edgeMaster.exitCode === null) {
      const exited = new Promise((resolve) => edgeMaster.once('exit', resolve));
      edgeMaster.kill('SIGQUIT');
      await exited;
    }
    await Promise.all(Object.values(processes).map((p) => stop(p).catch(() => undefined)));
    const admin = new pg.Client({ connectionString: process.env.DATABASE_OWNER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    for (const dir of [...mailDirs, edge?.work]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test('a burst through nginx survives losing one of each app: notifications exactly once, live sets across instances, load on both gateways', async () => {
    // A tenant: a coach, two athletes in one space, one athlete's workout.
    const coach = await request('POST', '/v1/auth/signup', undefined, { organizationName: 'Scale Gym', name: 'Coach', email: 'coach@scale.example.com', password: PASSWORD });
    expect(coach.status).toBe(201);
    const coachToken = coach.body['accessToken'] as string;
    const athletes: Array<{ id: string; token: string }> = [];
    for (const n of [1, 2]) {
      const invite = await request('POST', '/v1/invitations', coachToken, { email: `athlete${n}@scale.example.com`, role: 'ATHLETE' });
      const accepted = await request('POST', '/v1/invitations/accept', undefined, { token: invite.body['token'], name: `Athlete ${n}`, password: PASSWORD });
      expect(accepted.status).toBe(201);
      athletes.push({ id: (accepted.body['user'] as { id: string }).id, token: accepted.body['accessToken'] as string });
    }
    const space = await request('POST', '/v1/spaces', coachToken, { name: 'Everyone' });
    for (const athlete of athletes) expect((await request('POST', `/v1/spaces/${String(space.body['id'])}/members`, coachToken, { userId: athlete.id })).status).toBe(201);
    const exercise = await request('POST', '/v1/exercises', coachToken, { name: 'Bench press', category: 'push', primaryMuscle: 'chest' });
    const lifter = athletes[0]!;
    const workout = await request('POST', '/v1/workouts', lifter.token, { title: 'Push day' });
    expect(workout.status).toBe(201);
    const workoutId = workout.body['id'] as string;

    // The coach watches on the realtime instance that survives; the sets go to whichever gateway nginx picks.
    const coachSocket: Socket = io(`http://127.0.0.1:${ports['rt2']}`, { auth: { token: coachToken }, transports: ['websocket'] });
    const seen = new Set<string>();
    coachSocket.on('set:completed', (event: { set: { id: string } }) => seen.add(event.set.id));
    const joined = await new Promise<{ ok: boolean }>((resolve) => coachSocket.emit('workout:join', { workoutId }, resolve));
    expect(joined.ok).toBe(true);

    const gatewayCount = async (port: number | undefined) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return [...text.matchAll(/^http_request_duration_seconds_count\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };

    // The burst: every request retried until answered, as a client does; sets carry their own id, so a retry cannot log one twice.
    const setIds = Array.from({ length: SETS }, () => randomUUID());
    const attempts = new Map<string, number>();
    const work: Array<() => Promise<unknown>> = [
      ...setIds.map((id, i) => async () => {
        const reply = await until('POST', `/v1/workouts/${workoutId}/sets`, lifter.token, { id, exerciseId: exercise.body['id'], reps: 5, weightKg: 60 + i }, (r) => r.status === 201 || r.status === 200 || r.status === 409);
        attempts.set(id, reply.attempts);
      }),
      ...athletes.flatMap((athlete, a) =>
        Array.from({ length: POSTS_PER_ATHLETE }, (_, i) => () => until('POST', `/v1/spaces/${String(space.body['id'])}/posts`, athlete.token, { body: `post ${a}-${i}` }, (r) => r.status === 201)),
      ),
    ];
    let done = 0;
    let killed: Promise<void> | undefined;
    let servedByGw1 = 0;
    const lanes = Array.from({ length: 6 }, async (_, lane) => {
      for (let i = lane; i < work.length; i += 6) {
        await work[i]!();
        done++;
        if (!killed && done >= work.length / 3) {
          killed = (async () => {
            servedByGw1 = await gatewayCount(ports['gw1']);
            for (const id of ['gw1', 'rt1', 'sch1', 'nw1']) processes[id]?.child.kill('SIGKILL');
          })();
        }
      }
    });
    await Promise.all(lanes);
    await killed;

    // Both gateways took part; the survivor took the rest.
    expect(servedByGw1).toBeGreaterThan(0);
    expect(await gatewayCount(ports['gw2'])).toBeGreaterThan(0);

    const db = new pg.Client({ connectionString: ownerUrl });
    await db.connect();
    try {
      // Every set the athlete logged is there once and reached the coach on the other instance.
      const { rows: sets } = await db.query<{ id: string }>('SELECT id FROM workout_sets WHERE workout_id = $1', [workoutId]);
      expect(sets.map((s) => s.id).sort()).toEqual([...setIds].sort());
      const deadline = Date.now() + 20_000;
      while (seen.size < SETS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(attempts.size).toBe(SETS);
      // Known gap, not hidden: the live event is sent after the commit by the gateway that
      // committed. A gateway killed between its commit and that send loses the event, and the
      // client's retry (same set id) is answered from the stored set without sending it again.
      // So every set answered at its first attempt must have arrived; a retried one may not.
      expect(setIds.filter((id) => attempts.get(id) === 1 && !seen.has(id))).toEqual([]);
      expect(setIds.filter((id) => !seen.has(id)).every((id) => (attempts.get(id) ?? 0) > 1)).toBe(true);

      // Every post notifies every other member exactly once, however the relays and workers died.
      const { rows: posts } = await db.query<{ id: string; author_id: string }>('SELECT id, author_id FROM posts WHERE space_id = $1', [space.body['id']]);
      expect(posts.length).toBeGreaterThanOrEqual(POSTS_PER_ATHLETE * 2);
      const members = [lifter.id, athletes[1]!.id, (coach.body['user'] as { id: string }).id];
      const expected = posts.flatMap((p) => members.filter((m) => m !== p.author_id).map((m) => `${m}:${p.id}`)).sort();
      const settle = Date.now() + 60_000;
      let rows: Array<{ key: string; n: string }> = [];
      while (Date.now() < settle) {
        rows = (await db.query<{ key: string; n: string }>("SELECT user_id || ':' || (data->>'postId') AS key, count(*) AS n FROM notifications WHERE type = 'post.created' GROUP BY 1")).rows;
        if (rows.length >= expected.length) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(rows.map((r) => r.key).sort()).toEqual(expected);
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    } finally {
      await db.end();
      coachSocket.disconnect();
    }
    // Mail went out for each, from either worker (at least once: a worker killed after sending, before recording, sends again).
    const mails = mailDirs.flatMap((dir) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.eml')) : []));
    expect(mails.length).toBeGreaterThan(0);
  }, 240_000);
});

// `pnpm bench growth`: how the cost of an athlete's everyday requests grows with
// their history. One athlete per size is seeded with 1k, 10k and 100k logged sets
// (and as many notifications and audit events), then every endpoint takes 200
// sequential calls per size over HTTP through the gateway, in its own process,
// the sizes taking turns call by call (the baseline is the 1k athlete). Reported:
// p50 / p99 per size, the growth of p50 from 1k to 100k, and the plan (EXPLAIN
// ANALYZE) of the slowest statement. The machine's load is printed with the figures.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { v7 } from 'uuid';
import { listNotifications } from '@coachline/api-gateway/modules/notifications/notifications.repository';
import { listWorkouts, progressStatement } from '@coachline/api-gateway/modules/training/training.repository';
import { createDatabase, type TenantTx } from '@coachline/db/database';
import { analyticsWindow, PROGRESS_WINDOW_DAYS } from '@coachline/domain/analytics';
import { recordHistory } from '@coachline/domain/training-rules';
import { unthrottledGatewayEnv } from './lib/gateway-env';
import { startServer } from './lib/measure';

const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const CALLS = Number(process.env.BENCH_GROWTH_CALLS ?? 200);
const SETS_PER_WORKOUT = 20;
const EXERCISES = 8;
const DAY = 86_400_000;
const MINUTE = 60_000;
const CHUNK = 10_000;

interface Session {
  tenantId: string;
  adminToken: string;
  athleteId: string;
  athleteToken: string;
  exerciseIds: string[];
}

interface SeedSet {
  id: string;
  workoutId: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  loggedAt: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const load = () => loadavg().map((n) => n.toFixed(1)).join(' / ');

async function api(base: string, token: string | undefined, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { json: (text ? JSON.parse(text) : null) as Record<string, unknown>, bytes: Buffer.byteLength(text) };
}

async function newTenant(base: string): Promise<Session> {
  const password = 'bench password 1';
  const signup = await api(base, undefined, 'POST', '/v1/auth/signup', { organizationName: 'Growth Gym', name: 'Growth Admin', email: `growth-${randomUUID()}@example.com`, password });
  const adminToken = signup.json.accessToken as string;
  const invite = await api(base, adminToken, 'POST', '/v1/invitations', { email: `athlete-${randomUUID()}@example.com`, role: 'ATHLETE' });
  const accepted = await api(base, undefined, 'POST', '/v1/invitations/accept', { token: invite.json.token, name: 'Long History', password });
  const athleteToken = accepted.json.accessToken as string;
  const exercises = await api(base, athleteToken, 'GET', `/v1/exercises?limit=${EXERCISES}`);
  const exerciseIds = (exercises.json.items as { id: string }[]).map((e) => e.id);
  return { tenantId: (signup.json.tenant as { id: string }).id, adminToken, athleteId: (accepted.json.user as { id: string }).id, athleteToken, exerciseIds };
}

/**
 * One completed workout a day, going back from yesterday, of 20 sets over four
 * exercises with loads that creep up over the years, so records keep coming.
 * Written in bulk as the system role, through the tables' own constraints and
 * triggers; the records are the domain's judgement of that history and the
 * daily rollups its sums, as logging the sets one by one would have left them.
 */
async function seed(system: pg.Pool, session: Session, size: number) {
  const { tenantId, athleteId, exerciseIds } = session;
  const today = Math.floor(Date.now() / DAY) * DAY;
  const workouts: { id: string; startedAt: number }[] = [];
  const sets: SeedSet[] = [];
  for (let k = size / SETS_PER_WORKOUT; k >= 1; k--) {
    const startedAt = today - k * DAY + 17 * 60 * MINUTE;
    const workout = { id: v7({ msecs: startedAt }), startedAt };
    workouts.push(workout);
    for (let s = 0; s < SETS_PER_WORKOUT; s++) {
      const loggedAt = startedAt + (s + 1) * 3 * MINUTE;
      sets.push({
        id: v7({ msecs: loggedAt }),
        workoutId: workout.id,
        exerciseId: exerciseIds[(k + Math.floor(s / 5) * 3) % exerciseIds.length]!,
        reps: 3 + ((k * 7 + s * 3) % 10),
        weightKg: 20 + 2.5 * ((k * 11 + s * 5) % 48) + 2.5 * Math.floor((size / SETS_PER_WORKOUT - k) / 200),
        loggedAt,
      });
    }
  }
  await system.query(
    `INSERT INTO workouts (tenant_id, id, athlete_id, title, status, started_at, completed_at)
     SELECT $1, id, $2, 'Session', 'completed', to_timestamp(at / 1000.0), to_timestamp(at / 1000.0) + interval '70 minutes'
       FROM unnest($3::uuid[], $4::float8[]) AS w(id, at)`,
    [tenantId, athleteId, workouts.map((w) => w.id), workouts.map((w) => w.startedAt)],
  );
  for (let i = 0; i < sets.length; i += CHUNK) {
    const chunk = sets.slice(i, i + CHUNK);
    await system.query(
      `INSERT INTO workout_sets (tenant_id, id, workout_id, athlete_id, exercise_id, reps, weight_kg, rpe, logged_at)
       SELECT $1, id, workout_id, $2, exercise_id, reps, weight_kg, 8, to_timestamp(at / 1000.0)
         FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::numeric[], $8::float8[]) AS s(id, workout_id, exercise_id, reps, weight_kg, at)`,
      [tenantId, athleteId, chunk.map((s) => s.id), chunk.map((s) => s.workoutId), chunk.map((s) => s.exerciseId), chunk.map((s) => s.reps), chunk.map((s) => s.weightKg), chunk.map((s) => s.loggedAt)],
    );
  }
  const records = exerciseIds.flatMap((exerciseId) => recordHistory(sets.filter((s) => s.exerciseId === exerciseId)));
  await system.query(
    `INSERT INTO personal_records (tenant_id, id, athlete_id, exercise_id, kind, value, weight_kg, set_id, achieved_at)
     SELECT $1, gen_random_uuid(), $2, s.exercise_id, r.kind, r.value, s.weight_kg, s.id, s.logged_at
       FROM unnest($3::uuid[], $4::text[], $5::numeric[]) AS r(set_id, kind, value)
       JOIN workout_sets s ON s.tenant_id = $1 AND s.id = r.set_id`,
    [tenantId, athleteId, records.map((r) => r.setId), records.map((r) => r.kind), records.map((r) => r.value)],
  );
  // The same sums refreshExerciseDay keeps, over every day at once.
  await system.query(
    `INSERT INTO analytics_daily_exercise (tenant_id, id, athlete_id, day, exercise_id, sets, volume_kg, best_e1rm_kg, rpe_sum, rpe_count)
     SELECT $1, gen_random_uuid(), $2, (logged_at AT TIME ZONE 'UTC')::date, exercise_id, count(*), sum(weight_kg * reps),
            round(max(weight_kg * (30 + reps)) / 30, 2), coalesce(sum(rpe), 0), count(rpe)
       FROM workout_sets WHERE tenant_id = $1 AND athlete_id = $2
      GROUP BY 4, 5`,
    [tenantId, athleteId],
  );
  // Notifications newest last, all read but a few: the ten newest and ten scattered through the history.
  const now = Date.now();
  const notificationAt = Array.from({ length: size }, (_, i) => now - (size - i) * MINUTE);
  const unreadEvery = Math.floor(size / 10);
  await system.query(
    `INSERT INTO notifications (tenant_id, id, user_id, type, title, body, data, source_id, read_at, created_at)
     SELECT $1, id, $2, 'post.created', 'New post', 'Your coach posted.', '{}', gen_random_uuid()::text,
            CASE WHEN n > $5::int - 10 OR n % $6::int = 0 THEN NULL ELSE to_timestamp(at / 1000.0) + interval '1 hour' END, to_timestamp(at / 1000.0)
       FROM unnest($3::uuid[], $4::float8[]) WITH ORDINALITY AS x(id, at, n)`,
    [tenantId, athleteId, notificationAt.map((at) => v7({ msecs: at })), notificationAt, size, unreadEvery],
  );
  await system.query(
    `INSERT INTO audit_events (tenant_id, id, actor_id, action, entity_type, entity_id, summary, at)
     SELECT $1, id, $2, 'workout.set_logged', 'workout_set', gen_random_uuid()::text, '{}', to_timestamp(at / 1000.0)
       FROM unnest($3::uuid[], $4::float8[]) AS x(id, at)`,
    [tenantId, athleteId, notificationAt.map((at) => v7({ msecs: at })), notificationAt],
  );
  return { workouts: workouts.length, records: records.length };
}

type Timings = Map<string, number[]>;
type Call = (i: number) => Promise<{ bytes: number }>;

/** The calls of every endpoint, in the order they run, for one seeded athlete. */
function endpoints(base: string, session: Session): [string, Call][] {
  const { athleteId, athleteToken, adminToken, exerciseIds } = session;
  // Walks the pages one call after another, from the newest, starting over at the end.
  const pager = (token: string, path: string): Call => {
    let cursor: string | null = null;
    return async () => {
      const result = await api(base, token, 'GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      cursor = (result.json.nextCursor as string | null) ?? null;
      return result;
    };
  };
  let latest: string | undefined;
  const started: string[] = [];
  return [
    ['GET /v1/athletes/:id/progress', () => api(base, athleteToken, 'GET', `/v1/athletes/${athleteId}/progress`)],
    ['GET /v1/athletes/:id/progress?exerciseId=', (i) => api(base, athleteToken, 'GET', `/v1/athletes/${athleteId}/progress?exerciseId=${exerciseIds[i % exerciseIds.length]}`)],
    ['GET /v1/notifications?unread=true', () => api(base, athleteToken, 'GET', '/v1/notifications?unread=true')],
    ['GET /v1/notifications (pages)', pager(athleteToken, '/v1/notifications?limit=20')],
    ['GET /v1/admin/audit-events (pages)', pager(adminToken, '/v1/admin/audit-events?limit=20')],
    ['GET /v1/workouts', () => api(base, athleteToken, 'GET', '/v1/workouts?limit=20')],
    ['GET /v1/workouts?status=completed', () => api(base, athleteToken, 'GET', '/v1/workouts?status=completed&limit=20')],
    ['GET /v1/workouts?status=in_progress', () => api(base, athleteToken, 'GET', '/v1/workouts?status=in_progress&limit=20')],
    [
      'GET /v1/workouts/:id',
      async () => {
        latest ??= ((await api(base, athleteToken, 'GET', '/v1/workouts?status=completed&limit=1')).json.items as { id: string }[])[0]!.id;
        return api(base, athleteToken, 'GET', `/v1/workouts/${latest}`);
      },
    ],
    ['GET /v1/admin/stats', () => api(base, adminToken, 'GET', '/v1/admin/stats')],
    [
      'POST /v1/workouts',
      async () => {
        const result = await api(base, athleteToken, 'POST', '/v1/workouts', {});
        started.push(result.json.id as string);
        return result;
      },
    ],
    ['POST /v1/workouts/:id/sets', (i) => api(base, athleteToken, 'POST', `/v1/workouts/${started[i]}/sets`, { exerciseId: exerciseIds[i % exerciseIds.length], reps: 5, weightKg: 60 + (i % 5) * 2.5, rpe: 8 })],
    ['POST /v1/workouts/:id/complete', (i) => api(base, athleteToken, 'POST', `/v1/workouts/${started[i]}/complete`, {})],
  ];
}

/**
 * Every endpoint in turn; within one, the sizes take turns call by call, so
 * that the machine's drifting load falls on every size alike and the growth
 * factor compares neighbours, not minutes apart.
 */
async function measure(base: string, sessions: Map<number, Session>, timings: Map<number, Timings>, bodies: Map<number, Map<string, number>>) {
  const calls = new Map([...sessions].map(([size, session]) => [size, endpoints(base, session)]));
  const count = calls.values().next().value!.length;
  for (let e = 0; e < count; e++) {
    for (let i = 0; i < CALLS; i++) {
      for (const [size, list] of calls) {
        const [name, call] = list[e]!;
        const start = performance.now();
        const { bytes } = await call(i);
        const elapsed = performance.now() - start;
        const samples = timings.get(size)!.get(name) ?? [];
        samples.push(elapsed);
        timings.get(size)!.set(name, samples);
        bodies.get(size)!.set(name, bytes);
      }
    }
  }
}

const EXPLAINED = [
  'GET /v1/athletes/:id/progress',
  'GET /v1/athletes/:id/progress?exerciseId=',
  'GET /v1/notifications?unread=true',
  'GET /v1/notifications (pages)',
  'GET /v1/workouts',
  'GET /v1/workouts?status=completed',
  'GET /v1/workouts?status=in_progress',
] as const;

/** The statement behind a read endpoint, as its repository builds it, for the plan of the slowest. */
function statementOf(name: (typeof EXPLAINED)[number], session: Session, tx: TenantTx): SQL {
  const window = analyticsWindow({}, new Date(), PROGRESS_WINDOW_DAYS);
  switch (name) {
    case 'GET /v1/athletes/:id/progress':
      return progressStatement(session.tenantId, session.athleteId, window);
    case 'GET /v1/athletes/:id/progress?exerciseId=':
      return progressStatement(session.tenantId, session.athleteId, window, session.exerciseIds[0]);
    case 'GET /v1/notifications?unread=true':
      return listNotifications(tx, session.athleteId, { unread: true, limit: 20 }).getSQL();
    case 'GET /v1/notifications (pages)':
      return listNotifications(tx, session.athleteId, { unread: false, limit: 20 }).getSQL();
    case 'GET /v1/workouts':
      return listWorkouts(tx, { athleteId: session.athleteId }, 20).getSQL();
    case 'GET /v1/workouts?status=completed':
      return listWorkouts(tx, { athleteId: session.athleteId, status: 'completed' }, 20).getSQL();
    case 'GET /v1/workouts?status=in_progress':
      return listWorkouts(tx, { athleteId: session.athleteId, status: 'in_progress' }, 20).getSQL();
  }
}

async function main() {
  const env = unthrottledGatewayEnv();
  const gateway = await startServer('lib/gateway-server.ts', env);
  const system = new pg.Pool({ connectionString: process.env.DATABASE_SYSTEM_URL, max: 2 });
  const owner = new pg.Pool({ connectionString: process.env.DATABASE_OWNER_URL, max: 1 });
  const db = createDatabase({ url: process.env.DATABASE_URL!, poolSize: 1 });
  const sessions = new Map<number, Session>();
  const timings = new Map<number, Timings>();
  const bodies = new Map<number, Map<string, number>>();
  try {
    for (const size of SIZES) {
      const session = await newTenant(gateway.url);
      const started = performance.now();
      const seeded = await seed(system, session, size);
      console.log(`${size} sets: seeded ${seeded.workouts} workouts, ${seeded.records} records, ${size} notifications and audit events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      sessions.set(size, session);
      timings.set(size, new Map());
      bodies.set(size, new Map());
    }
    // The planner's statistics, as autovacuum would have them after such growth.
    await owner.query('ANALYZE');
    // Warm-up: connections, prepared statements, caches.
    for (const session of sessions.values()) await api(gateway.url, session.athleteToken, 'GET', `/v1/athletes/${session.athleteId}/progress`);
    const started = performance.now();
    const before = load();
    await measure(gateway.url, sessions, timings, bodies);
    console.log(`measured in ${((performance.now() - started) / 1000).toFixed(1)} s; load average (1/5/15 min) ${before} before, ${load()} after, on ${cpus().length} cores`);

    const first = SIZES[0]!;
    const last = SIZES.at(-1)!;
    const summary = (size: number, name: string) => {
      const sorted = [...timings.get(size)!.get(name)!].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    };
    const names = [...timings.get(first)!.keys()];
    const rows = names.map((name) => {
      const row: Record<string, string> = { endpoint: name };
      for (const size of SIZES) {
        const s = summary(size, name);
        row[`${size / 1000}k p50 / p99 ms`] = `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)}`;
      }
      row[`p50 growth ${first / 1000}k→${last / 1000}k`] = `${(summary(last, name).p50 / summary(first, name).p50).toFixed(2)} ×`;
      return row;
    });
    console.log(`\n${CALLS} sequential calls per endpoint and size (the sizes taking turns), over HTTP through the gateway`);
    console.table(rows);
    for (const name of ['GET /v1/athletes/:id/progress', 'GET /v1/athletes/:id/progress?exerciseId=']) {
      console.log(`${name} body: ${SIZES.map((size) => `${size / 1000}k ${(bodies.get(size)!.get(name)! / 1024).toFixed(1)} KB`).join(', ')}`);
    }

    const largest = sessions.get(last)!;
    const slowest = [...EXPLAINED].sort((a, b) => summary(last, b).p50 - summary(last, a).p50)[0]!;
    const plan = await db.withTenant({ tenantId: largest.tenantId }, (tx) => tx.execute<{ 'QUERY PLAN': string }>(sql`EXPLAIN (ANALYZE, BUFFERS) ${statementOf(slowest, largest, tx)}`));
    console.log(`\nThe slowest read at ${last / 1000}k (p50 ${summary(last, slowest).p50.toFixed(1)} ms), ${slowest}: EXPLAIN (ANALYZE, BUFFERS) of its statement`);
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  } finally {
    await gateway.stop();
    await db.close();
    await system.end();
    await owner.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

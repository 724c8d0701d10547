// `pnpm bench analytics`: a coach's analytics and triage over 50 athletes who each hold two
// years of history (about 100k sets in all), answered cold (from the daily
// rollups) and cached (from Redis), against a bare SQL aggregate of the same
// figures over the raw sets and workouts, in the same run.
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import pg from 'pg';
import { createHttpServer } from '@coachline/api-gateway/http/server';
import { startGateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { refreshAthleteDay } from '@coachline/db/analytics-rollups';
import { invalidateAnalytics } from '@coachline/runtime/analytics-cache';
import { createRedis } from '@coachline/runtime/redis';

const ATHLETES = 50;
const HISTORY_DAYS = 730;
const DAY = 86_400_000;
/** The longest window one request may ask for: the year to today. */
const WINDOW_DAYS = 366;
const ROUNDS = 4;

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const summary = (samples: number[]) => ({ p50: percentile(samples, 50), p99: percentile(samples, 99) });
const fmt = (s: { p50: number; p99: number }) => `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/**
 * About 2,000 sets per athlete: a workout every 2.3 days for two years, each of
 * 6 or 7 sets over four of the tenant's exercises, with a weekly body weight.
 * Written in bulk as the system role: seeding spans the tenant's athletes in
 * single statements, and the rows go through the tables' own constraints.
 */
async function seedHistory(pool: pg.Pool, tenantId: string, athleteIds: string[], exerciseIds: string[]) {
  const today = new Date(Math.floor(Date.now() / DAY) * DAY);
  for (const athleteId of athleteIds) {
    await pool.query(
      `WITH w AS (
         INSERT INTO workouts (tenant_id, id, athlete_id, title, status, started_at, completed_at)
         SELECT $1, gen_random_uuid(), $2, 'Session ' || n, 'completed',
                $3::timestamptz - make_interval(days => (n * 23) / 10) + interval '17 hours',
                $3::timestamptz - make_interval(days => (n * 23) / 10) + interval '18 hours 5 minutes'
           FROM generate_series(1, $4::int) n
         RETURNING id, started_at)
       INSERT INTO workout_sets (tenant_id, id, workout_id, athlete_id, exercise_id, reps, weight_kg, rpe, logged_at)
       SELECT $1, gen_random_uuid(), w.id, $2, ($5::uuid[])[1 + (s % 4)], 5 + (s % 4), 40 + (s * 5) % 60, 6 + (s % 4),
              w.started_at + make_interval(mins => s * 8)
         FROM w CROSS JOIN LATERAL generate_series(1, 6 + (extract(day FROM w.started_at)::int % 2)) s`,
      [tenantId, athleteId, today.toISOString(), Math.floor((HISTORY_DAYS * 10) / 23), exerciseIds],
    );
    await pool.query(
      `INSERT INTO body_metrics (tenant_id, id, user_id, weight_kg, measured_at)
       SELECT $1, gen_random_uuid(), $2, 80 - n * 0.02, $3::timestamptz - make_interval(days => n * 7)
         FROM generate_series(1, $4::int) n`,
      [tenantId, athleteId, today.toISOString(), Math.floor(HISTORY_DAYS / 7)],
    );
  }
}

async function main() {
  const gw = await startGateway();
  // Served as main.ts serves it.
  const server = createHttpServer(gw.app).listen(0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redis = createRedis(process.env.REDIS_URL!);
  const raw = new pg.Pool({ connectionString: process.env.DATABASE_SYSTEM_URL, max: 4 });

  const admin = await gw.signup();
  const coach = await gw.addMember(admin, 'COACH');
  const athletes: TestUser[] = [];
  while (athletes.length < ATHLETES) athletes.push(...(await Promise.all(Array.from({ length: 10 }, () => gw.addMember(admin, 'ATHLETE')))));
  const exercises = await gw.http().get('/v1/exercises?category=legs&limit=4').set(gw.auth(coach));
  const exerciseIds = ((exercises.body as { items: { id: string }[] }).items).map((e) => e.id);
  if (exerciseIds.length < 4) throw new Error('the seeded library has fewer than four leg exercises');

  let started = performance.now();
  await seedHistory(
    raw,
    admin.tenantId,
    athletes.map((a) => a.id),
    exerciseIds,
  );
  const { rows: totals } = await raw.query<{ sets: number; workouts: number }>(
    `SELECT (SELECT count(*)::int FROM workout_sets WHERE tenant_id = $1) AS sets, (SELECT count(*)::int FROM workouts WHERE tenant_id = $1) AS workouts`,
    [admin.tenantId],
  );
  console.log(`seeded ${totals[0]!.sets} sets in ${totals[0]!.workouts} workouts for ${ATHLETES} athletes in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // The rollups, as the analytics consumer keeps them: one refresh per athlete-day with training.
  started = performance.now();
  const { rows: days } = await raw.query<{ athlete_id: string; day: string }>(
    `SELECT DISTINCT athlete_id, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM workouts WHERE tenant_id = $1`,
    [admin.tenantId],
  );
  const queue = [...days];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.pop(); next; next = queue.pop()) {
        const { athlete_id: athleteId, day } = next;
        await gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) => refreshAthleteDay(tx, athleteId, day));
      }
    }),
  );
  console.log(`rolled up ${days.length} athlete-days in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await raw.query('ANALYZE');

  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(to) - (WINDOW_DAYS - 1) * DAY).toISOString().slice(0, 10);
  const windowQuery = `from=${from}&to=${to}`;
  const get = async (path: string, user: TestUser = coach) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  // The baseline: the same figures summed over the raw rows of the window, one athlete at a time, no HTTP, no RLS.
  const rawAthlete = (athleteId: string) =>
    raw.query(
      `SELECT (SELECT count(*) FROM workouts WHERE tenant_id = $1 AND athlete_id = $2 AND started_at >= $3::date AND started_at < $4::date + 1) AS started,
              (SELECT count(*) FROM workouts WHERE tenant_id = $1 AND athlete_id = $2 AND status = 'completed' AND completed_at >= $3::date AND completed_at < $4::date + 1) AS completed,
              (SELECT sum(extract(epoch FROM completed_at - started_at)) FROM workouts WHERE tenant_id = $1 AND athlete_id = $2 AND status = 'completed' AND completed_at >= $3::date AND completed_at < $4::date + 1) AS duration,
              (SELECT row(count(*), sum(reps * weight_kg)) FROM workout_sets WHERE tenant_id = $1 AND athlete_id = $2 AND logged_at >= $3::date AND logged_at < $4::date + 1) AS sets`,
      [admin.tenantId, athleteId, from, to],
    );
  const rawTenant = () =>
    raw.query(
      `SELECT (SELECT count(DISTINCT athlete_id) FROM workouts WHERE tenant_id = $1 AND status = 'completed' AND completed_at >= $2::date AND completed_at < $3::date + 1) AS active,
              (SELECT count(*) FROM workouts WHERE tenant_id = $1 AND status = 'completed' AND completed_at >= $2::date AND completed_at < $3::date + 1) AS completed,
              (SELECT row(count(*), sum(reps * weight_kg)) FROM workout_sets WHERE tenant_id = $1 AND logged_at >= $2::date AND logged_at < $3::date + 1) AS sets`,
      [admin.tenantId, from, to],
    );

  // The figures agree before anything is timed.
  const sample = await get(`/v1/athletes/${athletes[0]!.id}/analytics?${windowQuery}`);
  const check = (await rawAthlete(athletes[0]!.id)).rows[0] as { sets: string };
  console.log(`athlete sample: ${String(sample.sets)} sets and ${(sample.workouts as { completed: number }).completed} workouts over ${WINDOW_DAYS} days (raw: ${check.sets})`);

  const rawAthleteMs: number[] = [];
  const coldAthleteMs: number[] = [];
  const cachedAthleteMs: number[] = [];
  const rawTenantMs: number[] = [];
  const coldTenantMs: number[] = [];
  const coldTriageMs: number[] = [];
  const cachedTriageMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const athlete of athletes) {
      rawAthleteMs.push(await timed(() => rawAthlete(athlete.id)));
      await invalidateAnalytics(redis, admin.tenantId, athlete.id);
      coldAthleteMs.push(await timed(() => get(`/v1/athletes/${athlete.id}/analytics?${windowQuery}`)));
      cachedAthleteMs.push(await timed(() => get(`/v1/athletes/${athlete.id}/analytics?${windowQuery}`)));
    }
    for (let i = 0; i < 10; i++) {
      rawTenantMs.push(await timed(rawTenant));
      await invalidateAnalytics(redis, admin.tenantId);
      coldTenantMs.push(await timed(() => get(`/v1/analytics/tenant?${windowQuery}`, admin)));
      // Triage is cached with the tenant's figures: the same invalidation makes it cold.
      await invalidateAnalytics(redis, admin.tenantId);
      coldTriageMs.push(await timed(() => get('/v1/coach/triage')));
      cachedTriageMs.push(await timed(() => get('/v1/coach/triage')));
    }
  }

  // Cached under load: ten connections on one athlete's answer.
  const loaded = await autocannon({
    url: `${base}/v1/athletes/${athletes[1]!.id}/analytics?${windowQuery}`,
    connections: 10,
    duration: 5,
    headers: { authorization: `Bearer ${coach.accessToken}` },
  });
  if (loaded.non2xx > 0 || loaded.errors > 0) throw new Error(`cached under load: ${loaded.non2xx} non-2xx, ${loaded.errors} errors`);

  const rawA = summary(rawAthleteMs);
  const coldA = summary(coldAthleteMs);
  const cachedA = summary(cachedAthleteMs);
  const rawT = summary(rawTenantMs);
  const coldT = summary(coldTenantMs);
  console.log(`window: ${WINDOW_DAYS} days; ${coldAthleteMs.length} requests per athlete series, ${coldTenantMs.length} per tenant series`);
  console.log(`athlete, raw SQL aggregate (baseline): ${fmt(rawA)}`);
  console.log(`athlete, cold over HTTP: ${fmt(coldA)} (p50 ratio ${(coldA.p50 / rawA.p50).toFixed(2)} of the baseline)`);
  console.log(`athlete, cached over HTTP: ${fmt(cachedA)} (p50 ratio ${(cachedA.p50 / rawA.p50).toFixed(2)})`);
  console.log(`athlete, cached under 10 connections: ${loaded.requests.average.toFixed(0)} req/s, p99 ${loaded.latency.p99} ms`);
  console.log(`tenant, raw SQL aggregate over ${totals[0]!.sets} sets (baseline): ${fmt(rawT)}`);
  console.log(`tenant, cold over HTTP: ${fmt(coldT)} (p50 ratio ${(coldT.p50 / rawT.p50).toFixed(2)} of the baseline)`);
  const coldTr = summary(coldTriageMs);
  const cachedTr = summary(cachedTriageMs);
  const triage = await get('/v1/coach/triage');
  console.log(`coach triage (${(triage.items as unknown[]).length} items), cold over HTTP: ${fmt(coldTr)} (p50 ratio ${(coldTr.p50 / rawT.p50).toFixed(2)} of the tenant baseline)`);
  console.log(`coach triage, cached over HTTP: ${fmt(cachedTr)}`);

  await new Promise((resolve) => setTimeout(resolve, 1_000));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await raw.end();
  await redis.quit();
  await gw.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { sql } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';

/** Window bounds: calendar days, both included; instants compare against [from 00:00, to + 1 day 00:00) UTC. */
export interface Window {
  from: string;
  to: string;
}

/** Sums of the athlete's daily rollups over the window: at most one row per day and exercise, never their sets. */
export async function athleteRollupTotals(tx: TenantTx, athleteId: string, w: Window) {
  const { tenantId } = tx.scope;
  const result = await tx.execute<{ started: number; completed: number; duration: number; calories: number; records: number; sets: number; volume: number }>(sql`
    SELECT a.started, a.completed, a.duration, a.calories, a.records, e.sets, e.volume FROM
      (SELECT coalesce(sum(workouts_started), 0)::int AS started, coalesce(sum(workouts_completed), 0)::int AS completed,
              coalesce(sum(duration_seconds), 0)::int AS duration, coalesce(sum(calories_kcal), 0)::float8 AS calories,
              coalesce(sum(personal_records), 0)::int AS records
         FROM analytics_daily_athlete WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND day BETWEEN ${w.from}::date AND ${w.to}::date) a,
      (SELECT coalesce(sum(sets), 0)::int AS sets, coalesce(sum(volume_kg), 0)::float8 AS volume
         FROM analytics_daily_exercise WHERE tenant_id = ${tenantId} AND athlete_id = ${athleteId} AND day BETWEEN ${w.from}::date AND ${w.to}::date) e`);
  return result.rows[0]!;
}

/**
 * Workouts the athlete's assignments plan in the window: each assigned
 * program's days once a week from its start date, prorated to the days of the
 * window it covers.
 */
export async function plannedWorkouts(tx: TenantTx, athleteId: string, w: Window): Promise<number> {
  const result = await tx.execute<{ planned: number }>(sql`
    SELECT coalesce(sum(round(d.n * greatest(0, (${w.to}::date - greatest(${w.from}::date, a.start_date)) + 1) / 7.0)), 0)::int AS planned
      FROM program_assignments a
      CROSS JOIN LATERAL (SELECT count(*) AS n FROM program_days pd WHERE pd.tenant_id = a.tenant_id AND pd.program_id = a.program_id) d
     WHERE a.tenant_id = ${tx.scope.tenantId} AND a.athlete_id = ${athleteId} AND a.start_date <= ${w.to}::date`);
  return result.rows[0]!.planned;
}

/** The first and last body weight recorded in the window: two index lookups. */
export async function bodyWeightEnds(tx: TenantTx, userId: string, w: Window) {
  const { tenantId } = tx.scope;
  const result = await tx.execute<{ start_kg: number | null; end_kg: number | null }>(sql`
    SELECT (SELECT weight_kg::float8 FROM body_metrics WHERE tenant_id = ${tenantId} AND user_id = ${userId}
              AND measured_at >= ${w.from}::timestamp AT TIME ZONE 'UTC' AND measured_at < (${w.to}::date + 1)::timestamp AT TIME ZONE 'UTC' ORDER BY measured_at ASC, id ASC LIMIT 1) AS start_kg,
           (SELECT weight_kg::float8 FROM body_metrics WHERE tenant_id = ${tenantId} AND user_id = ${userId}
              AND measured_at >= ${w.from}::timestamp AT TIME ZONE 'UTC' AND measured_at < (${w.to}::date + 1)::timestamp AT TIME ZONE 'UTC' ORDER BY measured_at DESC, id DESC LIMIT 1) AS end_kg`);
  return result.rows[0]!;
}

/**
 * The tenant's figures: athletes and workouts from the rollups, sessions and
 * revenue from their own tables. Active athletes are found member by member
 * (each an index probe that stops at the first completed day), not by a
 * distinct count over every athlete-day of the window.
 */
export async function tenantFigures(tx: TenantTx, w: Window) {
  const { tenantId } = tx.scope;
  const result = await tx.execute<{ active: number; completed: number; sessions: number; revenue: number }>(sql`
    SELECT (SELECT count(*)::int FROM memberships m
              WHERE m.tenant_id = ${tenantId} AND EXISTS (
                SELECT 1 FROM analytics_daily_athlete a
                 WHERE a.tenant_id = m.tenant_id AND a.athlete_id = m.user_id AND a.day BETWEEN ${w.from}::date AND ${w.to}::date AND a.workouts_completed > 0)) AS active,
           (SELECT coalesce(sum(workouts_completed), 0)::int FROM analytics_daily_athlete
              WHERE tenant_id = ${tenantId} AND day BETWEEN ${w.from}::date AND ${w.to}::date) AS completed,
           (SELECT count(*)::int FROM coaching_sessions
              WHERE tenant_id = ${tenantId} AND status <> 'cancelled' AND starts_at >= ${w.from}::timestamp AT TIME ZONE 'UTC' AND starts_at < (${w.to}::date + 1)::timestamp AT TIME ZONE 'UTC') AS sessions,
           (SELECT coalesce(sum(amount_cents), 0)::bigint::float8 FROM purchases
              WHERE tenant_id = ${tenantId} AND status = 'paid' AND paid_at >= ${w.from}::timestamp AT TIME ZONE 'UTC' AND paid_at < (${w.to}::date + 1)::timestamp AT TIME ZONE 'UTC') AS revenue`);
  return result.rows[0]!;
}

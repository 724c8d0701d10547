import { sql } from 'drizzle-orm';
import { addDays, triage, type TriageFacts, type TriageItem, type TriageThresholds } from '@coachline/domain/triage';
import type { TenantTx } from './database';
import { newId } from './ids';
import { triageItems as triageItemsTable } from './schema/index';

/**
 * The facts the triage rules read, for every current athlete of the tenant (or
 * one): each from the daily rollups through the (tenant, athlete, day) indexes,
 * over windows of a few weeks ending `today`, so the cost grows with the
 * athletes and the window, never with their history.
 */
export async function triageFacts(tx: TenantTx, today: string, t: TriageThresholds, athleteId?: string): Promise<TriageFacts> {
  const { tenantId } = tx.scope;
  const athletes = sql`SELECT m.tenant_id, m.user_id FROM memberships m
     WHERE m.tenant_id = ${tenantId} AND m.role = 'ATHLETE' AND m.removed_at IS NULL ${athleteId ? sql`AND m.user_id = ${athleteId}` : sql``}`;

  const people = await tx.execute<{ athlete_id: string; joined_day: string; last_day: string | null }>(sql`
    SELECT m.user_id AS athlete_id, to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS joined_day,
           greatest(
             (SELECT d.day FROM analytics_daily_athlete d WHERE d.tenant_id = m.tenant_id AND d.athlete_id = m.user_id AND d.day <= ${today}::date
                AND (d.workouts_started > 0 OR d.workouts_completed > 0) ORDER BY d.day DESC LIMIT 1),
             (SELECT e.day FROM analytics_daily_exercise e WHERE e.tenant_id = m.tenant_id AND e.athlete_id = m.user_id AND e.day <= ${today}::date ORDER BY e.day DESC LIMIT 1)
           )::text AS last_day
      FROM memberships m
     WHERE m.tenant_id = ${tenantId} AND m.role = 'ATHLETE' AND m.removed_at IS NULL ${athleteId ? sql`AND m.user_id = ${athleteId}` : sql``}`);

  const exerciseDays = await tx.execute<{ athlete_id: string; exercise_id: string; name: string; day: string; best: number }>(sql`
    WITH a AS (${athletes})
    SELECT e.athlete_id, e.exercise_id, x.name, e.day::text AS day, e.best_e1rm_kg::float8 AS best
      FROM a CROSS JOIN LATERAL (
             SELECT * FROM analytics_daily_exercise e WHERE e.tenant_id = a.tenant_id AND e.athlete_id = a.user_id
                AND e.day BETWEEN ${addDays(today, -2 * t.stallDays + 1)}::date AND ${today}::date) e
      JOIN exercises x ON x.tenant_id = e.tenant_id AND x.id = e.exercise_id`);

  const loadDays = await tx.execute<{ athlete_id: string; exercise_id: string; name: string; weight_kg: number; day: string; rpe_sum: number; rpe_count: number }>(sql`
    WITH a AS (${athletes})
    SELECT l.athlete_id, l.exercise_id, x.name, l.weight_kg::float8 AS weight_kg, l.day::text AS day, l.rpe_sum::float8 AS rpe_sum, l.rpe_count
      FROM a CROSS JOIN LATERAL (
             SELECT * FROM analytics_daily_load l WHERE l.tenant_id = a.tenant_id AND l.athlete_id = a.user_id
                AND l.day BETWEEN ${addDays(today, -2 * t.rpePeriodDays + 1)}::date AND ${today}::date AND l.rpe_count > 0) l
      JOIN exercises x ON x.tenant_id = l.tenant_id AND x.id = l.exercise_id`);

  const records = await tx.execute<{ athlete_id: string; exercise_id: string; name: string; kind: 'e1rm' | 'weight' | 'reps'; value: number; achieved_at: string }>(sql`
    WITH a AS (${athletes})
    SELECT r.athlete_id, r.exercise_id, x.name, r.kind, r.value::float8 AS value, to_char(r.achieved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS achieved_at
      FROM personal_records r
      JOIN a ON a.user_id = r.athlete_id
      JOIN exercises x ON x.tenant_id = r.tenant_id AND x.id = r.exercise_id
     WHERE r.tenant_id = ${tenantId}
       AND r.achieved_at >= ${addDays(today, -t.recordDays + 1)}::timestamp AT TIME ZONE 'UTC'
       AND r.achieved_at < (${today}::date + 1)::timestamp AT TIME ZONE 'UTC'`);

  // Planned as analytics plans them: each assigned program's days once a week from its start date, prorated to the window.
  const windowStart = addDays(today, -t.missedDays + 1);
  const adherence = await tx.execute<{ athlete_id: string; planned: number; completed: number; window_start: string }>(sql`
    WITH a AS (${athletes}),
    planned AS (
      SELECT pa.athlete_id,
             sum(round(d.n * greatest(0, (${today}::date - greatest(${windowStart}::date, pa.start_date)) + 1) / 7.0))::int AS planned,
             greatest(${windowStart}::date, min(pa.start_date))::text AS window_start
        FROM program_assignments pa
        JOIN a ON a.user_id = pa.athlete_id
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM program_days pd WHERE pd.tenant_id = pa.tenant_id AND pd.program_id = pa.program_id) d
       WHERE pa.tenant_id = ${tenantId} AND pa.start_date <= ${today}::date
       GROUP BY pa.athlete_id)
    SELECT p.athlete_id, p.planned, p.window_start,
           (SELECT coalesce(sum(s.workouts_completed), 0)::int FROM analytics_daily_athlete s
             WHERE s.tenant_id = ${tenantId} AND s.athlete_id = p.athlete_id AND s.day BETWEEN ${windowStart}::date AND ${today}::date) AS completed
      FROM planned p`);

  return {
    today,
    athletes: people.rows.map((r) => ({ athleteId: r.athlete_id, joinedDay: r.joined_day, lastTrainingDay: r.last_day })),
    exerciseDays: exerciseDays.rows.map((r) => ({ athleteId: r.athlete_id, exerciseId: r.exercise_id, exerciseName: r.name, day: r.day, bestE1rmKg: r.best })),
    loadDays: loadDays.rows.map((r) => ({ athleteId: r.athlete_id, exerciseId: r.exercise_id, exerciseName: r.name, weightKg: r.weight_kg, day: r.day, rpeSum: r.rpe_sum, rpeCount: r.rpe_count })),
    records: records.rows.map((r) => ({ athleteId: r.athlete_id, exerciseId: r.exercise_id, exerciseName: r.name, kind: r.kind, value: r.value, achievedAt: r.achieved_at })),
    adherence: adherence.rows.map((r) => ({ athleteId: r.athlete_id, planned: r.planned, completed: r.completed, windowStart: r.window_start })),
  };
}

/** The tenant's (or one athlete's) triage today, most urgent first. */
export async function triageOf(tx: TenantTx, today: string, thresholds: TriageThresholds, athleteId?: string): Promise<TriageItem[]> {
  return triage(await triageFacts(tx, today, thresholds, athleteId), thresholds);
}

/**
 * Records the items not recorded before and returns those, with their ids:
 * the ones to announce. An item found again (same athlete, kind and subject)
 * is not new.
 */
export async function recordNewTriageItems(tx: TenantTx, items: readonly TriageItem[]): Promise<Array<TriageItem & { id: string }>> {
  if (items.length === 0) return [];
  const inserted = await tx
    .insert(triageItemsTable)
    .values(items.map((item) => ({ tenantId: tx.scope.tenantId, id: newId(), athleteId: item.athleteId, kind: item.kind, subject: item.subject, detail: item.detail, since: new Date(item.since), data: item.data })))
    .onConflictDoNothing()
    .returning({ id: triageItemsTable.id, athleteId: triageItemsTable.athleteId, kind: triageItemsTable.kind, subject: triageItemsTable.subject });
  const key = (i: { athleteId: string; kind: string; subject: string }) => `${i.athleteId}:${i.kind}:${i.subject}`;
  const ids = new Map(inserted.map((row) => [key(row), row.id]));
  return items.flatMap((item) => {
    const id = ids.get(key(item));
    return id ? [{ ...item, id }] : [];
  });
}

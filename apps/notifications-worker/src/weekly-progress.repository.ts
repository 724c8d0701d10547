import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { SystemTx, TenantTx } from '@coachline/db/database';
import { recipientsPage, type Recipient } from './recipients.repository';
import { coachingSessions, exercises, notificationPreferences, personalRecords, workouts, workoutSets } from '@coachline/db/schema/index';
import type { StoredPreferences } from '@coachline/domain/api/notifications';

export type AthleteRecipient = Recipient;

/** One page of athletes across every tenant, keyed by (tenant, membership). */
export function athletesPage(systemTx: SystemTx, after: { tenantId: string; membershipId: string }, limit: number, tenantIds?: readonly string[]): Promise<AthleteRecipient[]> {
  return recipientsPage(systemTx, ['ATHLETE'], after, limit, tenantIds);
}

/** The athlete's notification preferences as stored (absent: every channel on). */
export async function storedPreferences(tx: TenantTx, userId: string): Promise<StoredPreferences> {
  const [row] = await tx
    .select({ channels: notificationPreferences.channels })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.tenantId, tx.scope.tenantId), eq(notificationPreferences.userId, userId)));
  return row?.channels;
}

export interface WeeklySummary {
  sessions: number;
  workouts: number;
  sets: number;
  volumeKg: number;
  records: Array<{ exercise: string; kind: 'e1rm' | 'weight' | 'reps'; value: number }>;
}

/** The athlete's week [from, to): coaching sessions held or booked, completed workouts, logged volume, records. */
export async function weeklySummary(tx: TenantTx, athleteId: string, from: Date, to: Date): Promise<WeeklySummary> {
  const tenantId = tx.scope.tenantId;
  const [sessions] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(coachingSessions)
    .where(
      and(
        eq(coachingSessions.tenantId, tenantId),
        eq(coachingSessions.athleteId, athleteId),
        inArray(coachingSessions.status, ['scheduled', 'completed']),
        gte(coachingSessions.startsAt, from),
        lt(coachingSessions.startsAt, to),
      ),
    );
  const [done] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(workouts)
    .where(and(eq(workouts.tenantId, tenantId), eq(workouts.athleteId, athleteId), eq(workouts.status, 'completed'), gte(workouts.completedAt, from), lt(workouts.completedAt, to)));
  const [volume] = await tx
    .select({ sets: sql<number>`count(*)::int`, kg: sql<string>`coalesce(sum(${workoutSets.reps} * ${workoutSets.weightKg}), 0)` })
    .from(workoutSets)
    .where(and(eq(workoutSets.tenantId, tenantId), eq(workoutSets.athleteId, athleteId), gte(workoutSets.loggedAt, from), lt(workoutSets.loggedAt, to)));
  const records = await tx
    .select({ exercise: exercises.name, kind: personalRecords.kind, value: sql<string>`max(${personalRecords.value})` })
    .from(personalRecords)
    .innerJoin(exercises, and(eq(exercises.tenantId, personalRecords.tenantId), eq(exercises.id, personalRecords.exerciseId)))
    .where(and(eq(personalRecords.tenantId, tenantId), eq(personalRecords.athleteId, athleteId), gte(personalRecords.achievedAt, from), lt(personalRecords.achievedAt, to)))
    .groupBy(exercises.name, personalRecords.kind)
    .orderBy(asc(exercises.name), asc(personalRecords.kind));
  return {
    sessions: sessions?.n ?? 0,
    workouts: done?.n ?? 0,
    sets: volume?.sets ?? 0,
    volumeKg: Number(volume?.kg ?? 0),
    records: records.map((r) => ({ exercise: r.exercise, kind: r.kind, value: Number(r.value) })),
  };
}

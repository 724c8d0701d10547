import { date, index, integer, jsonb, numeric, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tenantTable, ts } from './tenant-table';

const kg = (name: string) => numeric(name, { precision: 12, scale: 2, mode: 'number' });

/**
 * One athlete's training of one exercise on one UTC day, kept by the set writes
 * in their transactions and by the analytics consumer from the outbox; progress,
 * analytics and triage read these instead of every set.
 */
export const analyticsDailyExercise = tenantTable(
  'analytics_daily_exercise',
  {
    athleteId: uuid('athlete_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    exerciseId: uuid('exercise_id').notNull(),
    sets: integer('sets').notNull(),
    volumeKg: kg('volume_kg').notNull(),
    bestE1rmKg: kg('best_e1rm_kg').notNull(),
    rpeSum: real('rpe_sum').notNull(),
    rpeCount: integer('rpe_count').notNull(),
  },
  (t) => [uniqueIndex('analytics_daily_exercise_key').on(t.tenantId, t.athleteId, t.day, t.exerciseId)],
);

/** One athlete's workouts on one UTC day: started and completed counts, time, estimated calories, records. */
export const analyticsDailyAthlete = tenantTable(
  'analytics_daily_athlete',
  {
    athleteId: uuid('athlete_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    workoutsStarted: integer('workouts_started').notNull(),
    workoutsCompleted: integer('workouts_completed').notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    caloriesKcal: real('calories_kcal').notNull(),
    personalRecords: integer('personal_records').notNull(),
  },
  (t) => [uniqueIndex('analytics_daily_athlete_key').on(t.tenantId, t.athleteId, t.day), uniqueIndex('analytics_daily_athlete_day_key').on(t.tenantId, t.day, t.athleteId)],
);

/**
 * One athlete's sets of one exercise at one load on one UTC day, kept with the
 * other rollups: triage compares effort (RPE) at the same load week over week.
 */
export const analyticsDailyLoad = tenantTable(
  'analytics_daily_load',
  {
    athleteId: uuid('athlete_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    exerciseId: uuid('exercise_id').notNull(),
    weightKg: numeric('weight_kg', { precision: 7, scale: 2, mode: 'number' }).notNull(),
    sets: integer('sets').notNull(),
    rpeSum: real('rpe_sum').notNull(),
    rpeCount: integer('rpe_count').notNull(),
  },
  (t) => [uniqueIndex('analytics_daily_load_key').on(t.tenantId, t.athleteId, t.day, t.exerciseId, t.weightKg)],
);

/**
 * Every triage item once it was found (see apps/api-gateway/src/modules/triage):
 * (athlete, kind, subject) is unique, so an item is announced to the coaches
 * once however often it is found again, and the weekly summary lists the week's.
 */
export const triageItems = tenantTable(
  'triage_items',
  {
    athleteId: uuid('athlete_id').notNull(),
    kind: text('kind').notNull(),
    /** What the item is about within its kind (an exercise and the day its e1RM last rose, a week, ...). */
    subject: text('subject').notNull(),
    detail: text('detail').notNull(),
    since: ts('since').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('triage_items_key').on(t.tenantId, t.athleteId, t.kind, t.subject), index('triage_items_created_idx').on(t.tenantId, t.createdAt)],
);

import { date, integer, numeric, real, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantTable } from './tenant-table';

const kg = (name: string) => numeric(name, { precision: 12, scale: 2, mode: 'number' });

/**
 * One athlete's training of one exercise on one UTC day, kept by the analytics
 * consumer from the outbox; analytics read these instead of every set.
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

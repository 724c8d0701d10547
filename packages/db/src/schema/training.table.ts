import { sql } from 'drizzle-orm';
import { date, foreignKey, index, integer, jsonb, numeric, real, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Progression } from '@coachline/domain/program-generation/progression';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';

const kg = (name: string) => numeric(name, { precision: 7, scale: 2, mode: 'number' });

export const exercises = tenantTable(
  'exercises',
  {
    name: text('name').notNull(),
    category: text('category', { enum: ['push', 'pull', 'legs', 'core', 'cardio', 'other'] }).notNull(),
    primaryMuscle: text('primary_muscle').notNull(),
    equipment: text('equipment'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [index('exercises_name_idx').on(t.tenantId, t.name)],
);

const exerciseRef = (t: { tenantId: AnyPgColumn }, column: AnyPgColumn, name: string) =>
  foreignKey({ name, columns: [t.tenantId, column], foreignColumns: [exercises.tenantId, exercises.id] });

export const programs = tenantTable('programs', {
  name: text('name').notNull(),
  description: text('description'),
  createdBy: uuid('created_by').notNull(),
  createdAt: createdAt(),
});

export const programDays = tenantTable(
  'program_days',
  {
    programId: uuid('program_id').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
  },
  (t) => [
    foreignKey({ name: 'program_days_program_fk', columns: [t.tenantId, t.programId], foreignColumns: [programs.tenantId, programs.id] }).onDelete('cascade'),
    uniqueIndex('program_days_position_key').on(t.tenantId, t.programId, t.position),
  ],
);

/** One planned set: exercisePosition orders exercises in a day, setPosition the sets of one exercise. */
export const programPlannedSets = tenantTable(
  'program_planned_sets',
  {
    dayId: uuid('day_id').notNull(),
    exerciseId: uuid('exercise_id').notNull(),
    exercisePosition: integer('exercise_position').notNull(),
    setPosition: integer('set_position').notNull(),
    reps: integer('reps').notNull(),
    weightKg: kg('weight_kg'),
    rpe: real('rpe'),
    restSeconds: integer('rest_seconds'),
    /** The exercise's progression rule, on each of its sets (a program stores no row per exercise). */
    progression: jsonb('progression').$type<Progression>(),
  },
  (t) => [
    foreignKey({ name: 'program_planned_sets_day_fk', columns: [t.tenantId, t.dayId], foreignColumns: [programDays.tenantId, programDays.id] }).onDelete('cascade'),
    exerciseRef(t, t.exerciseId, 'program_planned_sets_exercise_fk'),
    index('program_planned_sets_day_idx').on(t.tenantId, t.dayId),
  ],
);

export const programAssignments = tenantTable(
  'program_assignments',
  {
    programId: uuid('program_id').notNull(),
    athleteId: uuid('athlete_id').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    assignedBy: uuid('assigned_by').notNull(),
    /** Set when a purchase granted the assignment; a refund or a cancelled subscription removes it. */
    purchaseId: uuid('purchase_id'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'program_assignments_program_fk', columns: [t.tenantId, t.programId], foreignColumns: [programs.tenantId, programs.id] }).onDelete('cascade'),
    membershipRef(t, t.athleteId, 'program_assignments_athlete_fk'),
    uniqueIndex('program_assignments_purchase_key').on(t.tenantId, t.purchaseId, t.programId).where(sql`purchase_id IS NOT NULL`),
  ],
);

export const workouts = tenantTable(
  'workouts',
  {
    athleteId: uuid('athlete_id').notNull(),
    programId: uuid('program_id'),
    dayIndex: integer('day_index'),
    title: text('title'),
    status: text('status', { enum: ['in_progress', 'completed'] }).notNull(),
    startedAt: ts('started_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
    summary: jsonb('summary'),
    /** `manual`, or the provider an activity was imported from (`strava`). */
    source: text('source').notNull().default('manual'),
    /** Imported workouts: the connection and the provider's activity id. */
    connectionId: uuid('connection_id'),
    externalId: text('external_id'),
    distanceM: numeric('distance_m', { precision: 10, scale: 1, mode: 'number' }),
    durationSeconds: integer('duration_seconds'),
    caloriesKcal: numeric('calories_kcal', { precision: 8, scale: 1, mode: 'number' }),
  },
  (t) => [
    membershipRef(t, t.athleteId, 'workouts_athlete_fk'),
    // An activity imported twice is one workout.
    uniqueIndex('workouts_connection_external_key').on(t.tenantId, t.connectionId, t.externalId),
    foreignKey({ name: 'workouts_program_fk', columns: [t.tenantId, t.programId], foreignColumns: [programs.tenantId, programs.id] }),
    index('workouts_athlete_idx').on(t.tenantId, t.athleteId, t.startedAt),
    // The workouts list pages newest first by id: one athlete's, one status's, or both.
    index('workouts_athlete_list_idx').on(t.tenantId, t.athleteId, t.id),
    index('workouts_status_idx').on(t.tenantId, t.status, t.id),
    index('workouts_athlete_status_idx').on(t.tenantId, t.athleteId, t.status, t.id),
  ],
);

export const workoutPlannedSets = tenantTable(
  'workout_planned_sets',
  {
    workoutId: uuid('workout_id').notNull(),
    exerciseId: uuid('exercise_id').notNull(),
    position: integer('position').notNull(),
    reps: integer('reps').notNull(),
    weightKg: kg('weight_kg'),
    rpe: real('rpe'),
  },
  (t) => [
    foreignKey({ name: 'workout_planned_sets_workout_fk', columns: [t.tenantId, t.workoutId], foreignColumns: [workouts.tenantId, workouts.id] }).onDelete('cascade'),
    exerciseRef(t, t.exerciseId, 'workout_planned_sets_exercise_fk'),
    index('workout_planned_sets_workout_idx').on(t.tenantId, t.workoutId),
  ],
);

/** A logged set. Its id may come from the client, so an offline queue can be replayed safely. */
export const workoutSets = tenantTable(
  'workout_sets',
  {
    workoutId: uuid('workout_id').notNull(),
    athleteId: uuid('athlete_id').notNull(),
    exerciseId: uuid('exercise_id').notNull(),
    plannedSetId: uuid('planned_set_id'),
    reps: integer('reps').notNull(),
    weightKg: kg('weight_kg').notNull(),
    rpe: real('rpe'),
    mediaId: uuid('media_id'),
    loggedAt: ts('logged_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'workout_sets_workout_fk', columns: [t.tenantId, t.workoutId], foreignColumns: [workouts.tenantId, workouts.id] }).onDelete('cascade'),
    exerciseRef(t, t.exerciseId, 'workout_sets_exercise_fk'),
    index('workout_sets_workout_idx').on(t.tenantId, t.workoutId),
    index('workout_sets_athlete_exercise_idx').on(t.tenantId, t.athleteId, t.exerciseId, t.loggedAt),
  ],
);

export const personalRecords = tenantTable(
  'personal_records',
  {
    athleteId: uuid('athlete_id').notNull(),
    exerciseId: uuid('exercise_id').notNull(),
    kind: text('kind', { enum: ['e1rm', 'weight', 'reps'] }).notNull(),
    value: numeric('value', { precision: 9, scale: 2, mode: 'number' }).notNull(),
    weightKg: kg('weight_kg'),
    setId: uuid('set_id').notNull(),
    achievedAt: ts('achieved_at').notNull(),
  },
  (t) => [
    membershipRef(t, t.athleteId, 'personal_records_athlete_fk'),
    exerciseRef(t, t.exerciseId, 'personal_records_exercise_fk'),
    index('personal_records_athlete_idx').on(t.tenantId, t.athleteId, t.exerciseId),
    // Triage lists the records of the last days for a whole tenant.
    index('personal_records_achieved_idx').on(t.tenantId, t.achievedAt),
  ],
);

export const bodyMetrics = tenantTable(
  'body_metrics',
  {
    userId: uuid('user_id').notNull(),
    weightKg: kg('weight_kg').notNull(),
    bodyFatPct: real('body_fat_pct'),
    measuredAt: ts('measured_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [membershipRef(t, t.userId, 'body_metrics_user_fk'), index('body_metrics_user_idx').on(t.tenantId, t.userId, t.measuredAt)],
);

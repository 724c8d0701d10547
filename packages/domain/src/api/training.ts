import { z } from 'zod';
import { progressionSchema } from '../program-generation/progression';
import { PROGRESS_WINDOW_DAYS } from '../analytics';
import { checkedWindow, MAX_WINDOW_DAYS, windowShape } from './analytics';
import { calendarDate, freeText, instant, nameString, pageQuery, uuid } from './common';

export const EXERCISE_CATEGORIES = ['push', 'pull', 'legs', 'core', 'cardio', 'other'] as const;
export const exerciseCategory = z.enum(EXERCISE_CATEGORIES);

/** API.md bounds: reps 0..1000, weightKg 0..1000. */
export const repsNumber = z.number().int().min(0).max(1000);
export const weightKg = z.number().min(0).max(1000);
export const rpeNumber = z.number().min(1).max(10);
const restSeconds = z.number().int().min(0).max(3600);
const recordKind = z.enum(['e1rm', 'weight', 'reps']);

export const exerciseQuery = pageQuery.extend({
  q: z.string().trim().max(200).optional(),
  category: exerciseCategory.optional(),
});

export const exerciseBody = z
  .strictObject({ name: nameString, category: exerciseCategory, primaryMuscle: nameString, equipment: nameString.optional() })
  .meta({ id: 'ExerciseRequest' });

export const exerciseSchema = z
  .object({ id: uuid, name: z.string(), category: exerciseCategory, primaryMuscle: z.string(), equipment: z.string().nullable(), custom: z.boolean() })
  .meta({ id: 'Exercise' });

const plannedSetBody = z.strictObject({ reps: repsNumber, weightKg: weightKg.optional(), rpe: rpeNumber.optional(), restSeconds: restSeconds.optional() });

/**
 * The largest program one request may write: 28 days of up to 20 exercises of
 * up to 10 sets, 5,600 planned sets. Beyond that a program is no plan a person
 * follows, and its write and its answer grow past what a request should hold.
 */
export const PROGRAM_LIMITS = { days: 28, exercisesPerDay: 20, setsPerExercise: 10 } as const;

export const programBody = z
  .strictObject({
    name: nameString,
    description: freeText.optional(),
    days: z
      .array(
        z.strictObject({
          name: nameString,
          exercises: z
            .array(
              z.strictObject({
                exerciseId: uuid,
                /** How the exercise's load moves week to week; generated programs carry one for every exercise. */
                progression: progressionSchema.optional(),
                sets: z.array(plannedSetBody).min(1).max(PROGRAM_LIMITS.setsPerExercise).meta({ description: `1 to ${PROGRAM_LIMITS.setsPerExercise} planned sets` }),
              }),
            )
            .max(PROGRAM_LIMITS.exercisesPerDay)
            .meta({ description: `Up to ${PROGRAM_LIMITS.exercisesPerDay} exercises a day` }),
        }),
      )
      .min(1)
      .max(PROGRAM_LIMITS.days)
      .meta({ description: `1 to ${PROGRAM_LIMITS.days} days` }),
  })
  .meta({
    id: 'ProgramRequest',
    examples: [
      {
        name: 'Push day',
        days: [{ name: 'Push', exercises: [{ exerciseId: '3f1c2a9e-6b4d-4f0a-9c1e-2d3b4a5c6d7e', sets: [{ reps: 8, weightKg: 60, restSeconds: 120 }, { reps: 8, weightKg: 60, rpe: 8 }] }] }],
      },
    ],
    description: `A program of 1 to ${PROGRAM_LIMITS.days} days, each of up to ${PROGRAM_LIMITS.exercisesPerDay} exercises of 1 to ${PROGRAM_LIMITS.setsPerExercise} planned sets (at most ${PROGRAM_LIMITS.days * PROGRAM_LIMITS.exercisesPerDay * PROGRAM_LIMITS.setsPerExercise} sets). Larger programs are 422.`,
  });

/** Fields not sent keep their values; `days`, when sent, replace every day of the program. */
export const programUpdateBody = programBody
  .partial()
  .meta({ id: 'ProgramUpdateRequest', examples: [{ name: 'Push day (deload)' }], description: 'Any fields of ProgramRequest; `days`, when sent, replace all the days. Workouts already started keep their planned sets.' });

export const programSchema = z
  .object({
    id: uuid,
    name: z.string(),
    description: z.string().nullable(),
    createdBy: uuid,
    createdAt: z.string(),
    days: z.array(
      z.object({
        index: z.number().int(),
        name: z.string(),
        exercises: z.array(
          z.object({
            exerciseId: uuid,
            progression: progressionSchema.optional(),
            sets: z.array(z.object({ id: uuid, reps: z.number().int(), weightKg: z.number().nullable(), rpe: z.number().nullable(), restSeconds: z.number().int().nullable() })),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'Program' });

export const programSummarySchema = z
  .object({ id: uuid, name: z.string(), description: z.string().nullable(), dayCount: z.number().int(), createdBy: uuid, createdAt: z.string() })
  .meta({ id: 'ProgramSummary' });

export const assignmentBody = z.strictObject({ athleteId: uuid, startDate: calendarDate }).meta({ id: 'ProgramAssignmentRequest' });

export const assignmentSchema = z
  .object({ id: uuid, programId: uuid, athleteId: uuid, startDate: z.string(), assignedBy: uuid, createdAt: z.string() })
  .meta({ id: 'ProgramAssignment' });

export const programAssignmentsQuery = pageQuery;

/** One of the caller's assignments, with the program it assigns. */
export const myAssignmentSchema = assignmentSchema
  .extend({ program: programSummarySchema })
  .meta({ id: 'MyProgramAssignment' });

export const workoutBody = z
  .strictObject({ programId: uuid.optional(), dayIndex: z.number().int().min(0).max(27).optional(), title: nameString.optional(), athleteId: uuid.optional() })
  .meta({ id: 'WorkoutRequest', examples: [{ programId: '0d9a7c51-2f7e-4b8e-8c3a-9e1f2a3b4c5d', dayIndex: 0 }, { title: 'Easy run' }] });

export const workoutStatus = z.enum(['in_progress', 'completed']);

export const workoutQuery = pageQuery.extend({ athleteId: uuid.optional(), status: workoutStatus.optional() });

export const plannedSetSchema = z
  .object({ id: uuid, exerciseId: uuid, position: z.number().int(), reps: z.number().int(), weightKg: z.number().nullable(), rpe: z.number().nullable() })
  .meta({ id: 'PlannedSet' });

export const loggedSetSchema = z
  .object({
    id: uuid,
    exerciseId: uuid,
    reps: z.number().int(),
    weightKg: z.number(),
    rpe: z.number().nullable(),
    plannedSetId: uuid.nullable(),
    loggedAt: z.string(),
  })
  .meta({ id: 'LoggedSet' });

export const personalRecordHitSchema = z
  .object({ exerciseId: uuid, kind: recordKind, value: z.number() })
  .meta({ id: 'PersonalRecordHit' });

export const workoutSummarySchema = z
  .object({ sets: z.number().int(), volumeKg: z.number(), durationSeconds: z.number().int(), personalRecords: z.array(personalRecordHitSchema) })
  .meta({ id: 'WorkoutSummary' });

const workoutBase = {
  id: uuid,
  athleteId: uuid,
  programId: uuid.nullable(),
  dayIndex: z.number().int().nullable(),
  title: z.string().nullable(),
  status: workoutStatus,
  startedAt: z.string(),
  completedAt: z.string().nullable(),
  summary: workoutSummarySchema.nullable(),
  /** `manual` for workouts logged here; a provider's name (`strava`) for imported activities. */
  source: z.string(),
  externalId: z.string().nullable(),
  distanceM: z.number().nullable(),
  durationSeconds: z.number().int().nullable(),
  caloriesKcal: z.number().nullable(),
};

export const workoutListItemSchema = z.object(workoutBase).meta({ id: 'WorkoutListItem' });

export const workoutSchema = z
  .object({ ...workoutBase, plannedSets: z.array(plannedSetSchema), sets: z.array(loggedSetSchema) })
  .meta({ id: 'Workout' });

/** A set logged over REST; `id` may be generated by the client so an offline queue replays safely. */
export const logSetBody = z
  .strictObject({ id: uuid.optional(), exerciseId: uuid, reps: repsNumber, weightKg, rpe: rpeNumber.optional(), plannedSetId: uuid.optional() })
  .meta({ id: 'LogSetRequest', examples: [{ exerciseId: '3f1c2a9e-6b4d-4f0a-9c1e-2d3b4a5c6d7e', reps: 5, weightKg: 100, rpe: 8 }] });

export const progressSchema = z
  .object({ completed: z.number().int(), planned: z.number().int(), percent: z.number().int() })
  .meta({ id: 'WorkoutProgress' });

export const logSetResultSchema = z
  .object({ set: loggedSetSchema, progress: progressSchema, personalRecord: personalRecordHitSchema.nullable() })
  .meta({ id: 'LogSetResult' });

export const workoutSetParams = z.strictObject({ id: uuid, setId: uuid });

/** Corrects a logged set; `rpe: null` clears it. The exercise stays: a set of another exercise is a new set. */
export const updateSetBody = z
  .strictObject({ reps: repsNumber.optional(), weightKg: weightKg.optional(), rpe: rpeNumber.nullable().optional() })
  .refine((body) => body.reps !== undefined || body.weightKg !== undefined || body.rpe !== undefined, { message: 'Send at least one of reps, weightKg, rpe' })
  .meta({ id: 'UpdateSetRequest', examples: [{ reps: 6, weightKg: 102.5 }] });

/** The edited set, the workout's progress, and the record the set holds once records are judged again. */
export const updateSetResultSchema = z
  .object({ set: loggedSetSchema, progress: progressSchema, personalRecord: personalRecordHitSchema.nullable() })
  .meta({ id: 'UpdateSetResult' });

export const completedWorkoutSchema = z
  .object({ id: uuid, status: z.literal('completed'), completedAt: z.string(), summary: workoutSummarySchema })
  .meta({ id: 'CompletedWorkout' });

export const progressQuery = checkedWindow(
  z.object({
    exerciseId: uuid.optional(),
    from: windowShape.from.meta({ description: `First UTC day of the series, included. Default: ${PROGRESS_WINDOW_DAYS - 1} days before \`to\`.` }),
    to: windowShape.to.meta({ description: `Last UTC day of the series, included. Default: today, or ${PROGRESS_WINDOW_DAYS - 1} days after \`from\`. At most ${MAX_WINDOW_DAYS} days from \`from\`.` }),
  }),
);

/** The progress route's description in the OpenAPI document. */
export const progressWindowDescription = `The e1RM and weekly-volume series cover one window of UTC days, \`from\`..\`to\` both included: by default the ${PROGRESS_WINDOW_DAYS} days to today, at most ${MAX_WINDOW_DAYS}; an inverted or longer window is a 422. They come from daily rollups, so a long history costs no more than a short one. Standing records are the athlete's all-time bests.`;

export const personalRecordSchema = z
  .object({ exerciseId: uuid, kind: recordKind, value: z.number(), weightKg: z.number().nullable(), setId: uuid, achievedAt: z.string() })
  .meta({ id: 'PersonalRecord' });

export const athleteProgressSchema = z
  .object({
    athleteId: uuid,
    personalRecords: z.array(personalRecordSchema),
    e1rm: z.array(z.object({ date: z.string(), exerciseId: uuid, value: z.number() })),
    weeklyVolumeKg: z
      .array(z.object({ weekStart: z.string(), value: z.number() }))
      .meta({ description: "Volume of the window's days per ISO week (from Monday, UTC); the weeks at the window's ends count only its days." }),
    from: z.string().meta({ description: 'First UTC day of the series.' }),
    to: z.string().meta({ description: 'Last UTC day of the series.' }),
  })
  .meta({ id: 'AthleteProgress' });

export const bodyMetricBody = z
  .strictObject({ weightKg: z.number().gt(0).max(1000), bodyFatPct: z.number().min(0).max(100).optional(), measuredAt: instant })
  .meta({ id: 'BodyMetricRequest', examples: [{ weightKg: 82.4, bodyFatPct: 17.5, measuredAt: '2026-12-01T07:30:00Z' }] });

export const bodyMetricQuery = pageQuery.extend({ userId: uuid.optional() });

export const bodyMetricSchema = z
  .object({ id: uuid, userId: uuid, weightKg: z.number(), bodyFatPct: z.number().nullable(), measuredAt: z.string(), createdAt: z.string() })
  .meta({ id: 'BodyMetric' });

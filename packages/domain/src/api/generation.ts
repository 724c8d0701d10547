import { z } from 'zod';
import { nameString, uuid } from './common';

export const GENERATION_GOALS = ['strength', 'hypertrophy', 'fat_loss', 'general'] as const;
export const EXPERIENCE_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
/** The equipment a generated program may use; an exercise with no equipment counts as `bodyweight`. */
export const EQUIPMENT = ['barbell', 'dumbbell', 'machine', 'cable', 'bodyweight', 'kettlebell', 'band'] as const;
export const GENERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

export type GenerationGoal = (typeof GENERATION_GOALS)[number];
export type ExperienceLevel = (typeof EXPERIENCE_LEVELS)[number];
export type Equipment = (typeof EQUIPMENT)[number];
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/** Things to leave out: more than this is no longer a program anyone asked for. */
export const MAX_AVOID = 50;

export const generateProgramBody = z
  .strictObject({
    athleteId: uuid.optional(),
    goal: z.enum(GENERATION_GOALS),
    daysPerWeek: z.number().int().min(2).max(6),
    sessionMinutes: z.number().int().min(20).max(180),
    experience: z.enum(EXPERIENCE_LEVELS),
    equipment: z
      .array(z.enum(EQUIPMENT))
      .min(1)
      .max(EQUIPMENT.length)
      .refine((list) => new Set(list).size === list.length, 'Each piece of equipment once'),
    avoid: z
      .array(z.union([uuid, nameString]))
      .max(MAX_AVOID)
      .optional()
      .meta({ description: 'Primary muscles (as the exercise library names them, or a muscle group: chest, back, shoulders, quads, hamstrings_glutes, biceps, triceps, calves, core) or exercise ids' }),
  })
  .meta({
    id: 'ProgramGenerationRequest',
    examples: [{ goal: 'hypertrophy', daysPerWeek: 4, sessionMinutes: 60, experience: 'intermediate', equipment: ['barbell', 'dumbbell', 'cable'], avoid: ['calves'] }],
  });
export type GenerateProgramBody = z.infer<typeof generateProgramBody>;

/** What the generator works from: the request, with `avoid` always a list. */
export const generationInputSchema = generateProgramBody.omit({ athleteId: true }).extend({ avoid: z.array(z.string()).default([]) });
export type GenerationInput = z.infer<typeof generationInputSchema>;

export const generationAcceptedSchema = z.object({ jobId: uuid, status: z.literal('queued') }).meta({ id: 'ProgramGenerationAccepted' });

export const generationJobSchema = z
  .object({
    id: uuid,
    status: z.enum(GENERATION_STATUSES),
    progress: z.number().int().min(0).max(100),
    programId: uuid.optional(),
    error: z.string().optional(),
    athleteId: uuid.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'ProgramGenerationJob' });

import { z } from 'zod';

/**
 * When an exercise backs off: every few weeks (planned), or after sessions in
 * a row that missed their target (reactive). Loads and sets are kept at the
 * given share of the working week for that deload week or session.
 */
export const deloadSchema = z
  .strictObject({
    everyWeeks: z.number().int().min(2).max(12).optional(),
    afterFailedSessions: z.number().int().min(1).max(10).optional(),
    loadPercent: z.number().int().min(0).max(100),
    setsPercent: z.number().int().min(0).max(100),
  })
  .refine((deload) => deload.everyWeeks !== undefined || deload.afterFailedSessions !== undefined, 'A deload needs everyWeeks or afterFailedSessions')
  .meta({ id: 'Deload' });

const incrementKg = z.number().min(0).max(50);

/**
 * How an exercise's load moves from week to week:
 * - `double_progression`: add reps within `repRange` at the same load; once
 *   every set reaches `max`, add `incrementKg` and start again from `min`.
 * - `linear`: add `incrementKg` every session the planned reps were all done.
 * - `percentage`: a wave of `weeks`, each a share of the estimated 1RM for
 *   the planned reps, repeated after the deload.
 */
export const progressionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('double_progression'),
      repRange: z.strictObject({ min: z.number().int().min(1).max(100), max: z.number().int().min(1).max(100) }).refine((r) => r.min <= r.max, 'min must not exceed max'),
      incrementKg,
      deload: deloadSchema,
    }),
    z.strictObject({ type: z.literal('linear'), incrementKg, deload: deloadSchema }),
    z.strictObject({
      type: z.literal('percentage'),
      weeks: z.array(z.strictObject({ percentOf1rm: z.number().min(30).max(100), reps: z.number().int().min(1).max(30) })).min(1).max(12),
      deload: deloadSchema,
    }),
  ])
  .meta({ id: 'Progression' });

export type Progression = z.infer<typeof progressionSchema>;
export type Deload = z.infer<typeof deloadSchema>;

import { z } from 'zod';
import { calendarDate } from './common';

/** Longest window one request may ask for. */
export const MAX_WINDOW_DAYS = 366;

/** `from` and `to` are calendar dates (UTC days), both included; either may be left out. */
export const windowShape = { from: calendarDate.optional(), to: calendarDate.optional() };

/** A query with a window: `from` not after `to`, and at most MAX_WINDOW_DAYS between them. */
export const checkedWindow = <S extends z.ZodType<{ from?: string; to?: string }>>(schema: S) =>
  schema
    .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
    .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < MAX_WINDOW_DAYS, { message: `at most ${MAX_WINDOW_DAYS} days`, path: ['to'] });

export const analyticsQuery = checkedWindow(z.strictObject(windowShape));

export const athleteAnalyticsSchema = z
  .object({
    athleteId: z.uuid(),
    from: z.string(),
    to: z.string(),
    workouts: z.object({ total: z.number().int(), completed: z.number().int() }),
    adherencePct: z.number(),
    sets: z.number().int(),
    volumeKg: z.number(),
    durationSeconds: z.number().int(),
    caloriesEstimate: z.number().int(),
    personalRecords: z.number().int(),
    bodyWeight: z.object({ startKg: z.number(), endKg: z.number(), changeKg: z.number() }).nullable(),
  })
  .meta({ id: 'AthleteAnalytics' });

export const tenantAnalyticsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    activeAthletes: z.number().int(),
    workoutsCompleted: z.number().int(),
    sessionsBooked: z.number().int(),
    revenueCents: z.number().int(),
  })
  .meta({ id: 'TenantAnalytics' });

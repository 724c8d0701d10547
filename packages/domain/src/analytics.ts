/** Pure analytics rules: estimated calories from MET values, and analytics windows. */

export type ExerciseCategory = 'push' | 'pull' | 'legs' | 'core' | 'cardio' | 'other';

/**
 * Metabolic equivalents by exercise category, after the 2011 Compendium of
 * Physical Activities; the sources of each value are in
 * apps/api-gateway/src/modules/analytics/README.md.
 */
export const MET_BY_CATEGORY: Readonly<Record<ExerciseCategory, number>> = {
  push: 5.0,
  pull: 5.0,
  legs: 6.0,
  core: 3.8,
  cardio: 7.0,
  other: 4.0,
};

/** Used when the athlete has recorded no body weight before the workout. */
export const DEFAULT_BODY_WEIGHT_KG = 70;

/**
 * kcal of one workout: MET × body weight (kg) × hours, with the MET the
 * average of its sets' categories weighted by set count (no sets: `other`).
 */
export function estimateWorkoutCalories(input: { durationSeconds: number; bodyWeightKg: number | null; setsByCategory: Partial<Record<ExerciseCategory, number>> }): number {
  const entries = Object.entries(input.setsByCategory) as [ExerciseCategory, number][];
  const sets = entries.reduce((sum, [, n]) => sum + n, 0);
  const met = sets === 0 ? MET_BY_CATEGORY.other : entries.reduce((sum, [category, n]) => sum + MET_BY_CATEGORY[category] * n, 0) / sets;
  return met * (input.bodyWeightKg ?? DEFAULT_BODY_WEIGHT_KG) * (Math.max(0, input.durationSeconds) / 3600);
}

/** The default window: the last 28 days, today (UTC) included. */
export const DEFAULT_WINDOW_DAYS = 28;

/** Adds days to a `YYYY-MM-DD` date, in UTC. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The default window of an athlete's progress series: twelve weeks to today. */
export const PROGRESS_WINDOW_DAYS = 84;

/** `from`..`to`, both included, filling what is missing from the default window (of `days`) ending today. */
export function analyticsWindow(query: { from?: string; to?: string }, now: Date, days = DEFAULT_WINDOW_DAYS): { from: string; to: string } {
  const to = query.to ?? (query.from ? addDays(query.from, days - 1) : now.toISOString().slice(0, 10));
  const from = query.from ?? addDays(to, -(days - 1));
  return { from, to };
}

/** The Monday (UTC) of a `YYYY-MM-DD` date's ISO week. */
export function isoWeekStart(date: string): string {
  return addDays(date, -((new Date(`${date}T00:00:00.000Z`).getUTCDay() + 6) % 7));
}

import type { MuscleGroup } from './muscle-groups';

export const SPLITS = ['full_body', 'upper_lower', 'push_pull_legs_upper_lower', 'push_pull_legs'] as const;
export type SplitName = (typeof SPLITS)[number];

/** One day of a split: its name, and the muscle groups it trains in order (a group twice gets two exercises). */
export interface DayTemplate {
  name: string;
  groups: MuscleGroup[];
  /** Days of the same kind (Upper A, Upper B) pick different exercises by their variant. */
  variant: number;
}

const fullBody = (variant: number, name: string): DayTemplate => ({
  name,
  variant,
  groups: ['quads', 'chest', 'back', 'hamstrings_glutes', 'shoulders', ...(variant % 2 === 0 ? (['biceps', 'triceps', 'core', 'calves'] as const) : (['triceps', 'biceps', 'calves', 'core'] as const))],
});
const upper = (variant: number, name: string): DayTemplate => ({ name, variant, groups: ['chest', 'back', 'shoulders', 'back', 'chest', 'biceps', 'triceps'] });
const lower = (variant: number, name: string): DayTemplate => ({ name, variant, groups: ['quads', 'hamstrings_glutes', 'quads', 'hamstrings_glutes', 'calves', 'core'] });
const push = (variant: number, name: string): DayTemplate => ({ name, variant, groups: ['chest', 'shoulders', 'chest', 'shoulders', 'triceps'] });
const pull = (variant: number, name: string): DayTemplate => ({ name, variant, groups: ['back', 'back', 'shoulders', 'biceps', 'core'] });
const legs = (variant: number, name: string): DayTemplate => ({ name, variant, groups: ['quads', 'hamstrings_glutes', 'quads', 'hamstrings_glutes', 'calves', 'core'] });

/**
 * The split for a number of training days: full body on 2 and 3 days,
 * upper/lower on 4, push/pull/legs plus upper/lower on 5, push/pull/legs
 * twice on 6. Each gives every major group at least two days a week.
 */
export function splitFor(daysPerWeek: number): { split: SplitName; days: DayTemplate[] } {
  switch (daysPerWeek) {
    case 2:
      return { split: 'full_body', days: [fullBody(0, 'Full body A'), fullBody(1, 'Full body B')] };
    case 3:
      return { split: 'full_body', days: [fullBody(0, 'Full body A'), fullBody(1, 'Full body B'), fullBody(2, 'Full body C')] };
    case 4:
      return { split: 'upper_lower', days: [upper(0, 'Upper A'), lower(0, 'Lower A'), upper(1, 'Upper B'), lower(1, 'Lower B')] };
    case 5:
      return { split: 'push_pull_legs_upper_lower', days: [push(0, 'Push'), pull(0, 'Pull'), legs(0, 'Legs'), upper(1, 'Upper'), lower(1, 'Lower')] };
    case 6:
      return { split: 'push_pull_legs', days: [push(0, 'Push A'), pull(0, 'Pull A'), legs(0, 'Legs A'), push(1, 'Push B'), pull(1, 'Pull B'), legs(1, 'Legs B')] };
    default:
      throw new RangeError(`No split for ${daysPerWeek} days a week`);
  }
}

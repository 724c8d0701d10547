import type { ExperienceLevel, GenerationGoal } from '../api/generation';
import { isMajorGroup, type MuscleGroup } from './muscle-groups';
import type { Progression } from './progression';

/**
 * A slot's place in its day: the first exercise of a major group (the main,
 * usually compound lift), a second one for the same group, or a smaller group.
 */
export type SlotRole = 'primary' | 'secondary' | 'minor';

/** Working sets a week for each major group; smaller groups get half, rounded up. */
const WEEKLY_SETS: Record<GenerationGoal, Record<ExperienceLevel, number>> = {
  strength: { beginner: 6, intermediate: 9, advanced: 12 },
  hypertrophy: { beginner: 10, intermediate: 14, advanced: 18 },
  fat_loss: { beginner: 8, intermediate: 10, advanced: 12 },
  general: { beginner: 6, intermediate: 9, advanced: 12 },
};

export function weeklySets(goal: GenerationGoal, experience: ExperienceLevel, group: MuscleGroup): number {
  const major = WEEKLY_SETS[goal][experience];
  return isMajorGroup(group) ? major : Math.ceil(major / 2);
}

/** Rep ranges by goal and role: heavy and low for strength's main lifts, higher for smaller work and conditioning. */
const REP_RANGES: Record<GenerationGoal, Record<SlotRole, { min: number; max: number }>> = {
  strength: { primary: { min: 3, max: 5 }, secondary: { min: 6, max: 8 }, minor: { min: 8, max: 12 } },
  hypertrophy: { primary: { min: 6, max: 10 }, secondary: { min: 8, max: 12 }, minor: { min: 10, max: 15 } },
  fat_loss: { primary: { min: 10, max: 15 }, secondary: { min: 12, max: 15 }, minor: { min: 15, max: 20 } },
  general: { primary: { min: 8, max: 12 }, secondary: { min: 10, max: 12 }, minor: { min: 12, max: 15 } },
};

/** Rest after each set, in seconds, and how far it may shrink when a session is short. */
const REST: Record<GenerationGoal, Record<SlotRole, { rest: number; floor: number }>> = {
  strength: { primary: { rest: 180, floor: 120 }, secondary: { rest: 120, floor: 60 }, minor: { rest: 90, floor: 45 } },
  hypertrophy: { primary: { rest: 120, floor: 75 }, secondary: { rest: 90, floor: 60 }, minor: { rest: 60, floor: 45 } },
  fat_loss: { primary: { rest: 60, floor: 30 }, secondary: { rest: 45, floor: 30 }, minor: { rest: 30, floor: 30 } },
  general: { primary: { rest: 90, floor: 60 }, secondary: { rest: 75, floor: 45 }, minor: { rest: 60, floor: 30 } },
};

const TARGET_RPE: Record<ExperienceLevel, number> = { beginner: 7, intermediate: 8, advanced: 8.5 };

/** Planned deloads come sooner the more trained the athlete: they recover from more volume less easily. */
const DELOAD_EVERY_WEEKS: Record<ExperienceLevel, number> = { beginner: 6, intermediate: 5, advanced: 4 };

/** The strength wave for trained lifters: three working weeks rising in load, then a deload week. */
const STRENGTH_WAVE = [
  { percentOf1rm: 75, reps: 5 },
  { percentOf1rm: 80, reps: 3 },
  { percentOf1rm: 85, reps: 2 },
] as const;

/** Equipment whose load does not go up in kilograms: progress comes from reps (and harder variations). */
const UNLOADED = new Set(['bodyweight', 'band']);

export interface Prescription {
  reps: number;
  rpe: number;
  restSeconds: number;
  minRestSeconds: number;
  progression: Progression;
}

/**
 * What one slot's sets look like and how they progress:
 * - strength beginners' main lifts: linear (add load every successful
 *   session; after three failed sessions in a row, back to 90 %);
 * - strength lifters beyond that: a percentage wave (75/80/85 % of 1RM for
 *   5/3/2 reps), then a deload week at 60 %;
 * - everything else: double progression in the rep range, with a planned
 *   deload (half the sets at 90 % load) every 6, 5 or 4 weeks by experience.
 * Unloaded exercises (bodyweight, band) progress by reps only.
 */
export function prescribe(goal: GenerationGoal, experience: ExperienceLevel, group: MuscleGroup, role: SlotRole, equipment: string): Prescription {
  const range = REP_RANGES[goal][role];
  const rest = REST[goal][role];
  const rpe = TARGET_RPE[experience];
  const lowerBody = group === 'quads' || group === 'hamstrings_glutes';
  const loaded = !UNLOADED.has(equipment);
  const incrementKg = loaded ? (lowerBody ? 5 : 2.5) : 0;
  const base = { rpe, restSeconds: rest.rest, minRestSeconds: rest.floor };

  if (goal === 'strength' && role === 'primary' && loaded) {
    if (experience === 'beginner') {
      return { ...base, reps: 5, progression: { type: 'linear', incrementKg, deload: { afterFailedSessions: 3, loadPercent: 90, setsPercent: 100 } } };
    }
    return {
      ...base,
      reps: STRENGTH_WAVE[0].reps,
      progression: { type: 'percentage', weeks: STRENGTH_WAVE.map((week) => ({ ...week })), deload: { everyWeeks: STRENGTH_WAVE.length + 1, loadPercent: 60, setsPercent: 60 } },
    };
  }
  return {
    ...base,
    reps: range.min,
    progression: { type: 'double_progression', repRange: { ...range }, incrementKg, deload: { everyWeeks: DELOAD_EVERY_WEEKS[experience], loadPercent: 90, setsPercent: 50 } },
  };
}

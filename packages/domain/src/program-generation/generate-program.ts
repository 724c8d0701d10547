import type { Equipment, GenerationInput } from '../api/generation';
import { MAJOR_MUSCLE_GROUPS, isMajorGroup, muscleGroupOf, normalizeName, type MajorMuscleGroup, type MuscleGroup } from './muscle-groups';
import { prescribe, weeklySets, type SlotRole } from './prescription';
import type { Progression } from './progression';
import { sessionSeconds } from './session-time';
import { splitFor, type DayTemplate, type SplitName } from './splits';

/** An exercise of the tenant's library, as the generator reads it. */
export interface LibraryExercise {
  id: string;
  name: string;
  category: string;
  primaryMuscle: string;
  equipment: string | null;
}

export interface GeneratedSet {
  reps: number;
  rpe: number;
  restSeconds: number;
}

export interface GeneratedExercise {
  exerciseId: string;
  group: MuscleGroup;
  progression: Progression;
  sets: GeneratedSet[];
}

export interface GeneratedProgram {
  name: string;
  description: string;
  split: SplitName;
  days: { name: string; exercises: GeneratedExercise[] }[];
  /** Major groups the library (after equipment and `avoid`) has no exercise for. */
  uncoveredGroups: MajorMuscleGroup[];
}

/** Nothing in the library fits the equipment and what to avoid: there is no program to make. */
export class NoFittingExercisesError extends Error {}

/** Most sets one exercise gets in a session; more volume goes to a second exercise or another day. */
const MAX_SETS_PER_EXERCISE = 6;

/** Heavier, loadable equipment first, so a day's main lift is the one that progresses best. */
const EQUIPMENT_PREFERENCE: readonly Equipment[] = ['barbell', 'dumbbell', 'kettlebell', 'machine', 'cable', 'bodyweight', 'band'];

/** An exercise's equipment as a piece of the request's list: no equipment is bodyweight. */
export function equipmentOf(exercise: Pick<LibraryExercise, 'equipment'>): string {
  return exercise.equipment === null || exercise.equipment.trim() === '' ? 'bodyweight' : normalizeName(exercise.equipment);
}

/** Whether `avoid` (exercise ids, primary muscles or muscle groups, any case) rules the exercise out. */
export function isAvoided(exercise: Pick<LibraryExercise, 'id' | 'primaryMuscle'>, avoid: readonly string[]): boolean {
  const muscle = normalizeName(exercise.primaryMuscle);
  const group = muscleGroupOf(exercise.primaryMuscle);
  return avoid.some((entry) => {
    const name = normalizeName(entry);
    return entry === exercise.id || name === muscle || (group !== undefined && name === group);
  });
}

/** The library's exercises the request allows, by muscle group, in order of preference. */
function candidatesByGroup(input: GenerationInput, library: readonly LibraryExercise[]): Map<MuscleGroup, LibraryExercise[]> {
  const allowed = new Set<string>(input.equipment);
  const byGroup = new Map<MuscleGroup, LibraryExercise[]>();
  for (const exercise of library) {
    const group = muscleGroupOf(exercise.primaryMuscle);
    if (!group || exercise.category === 'cardio' || !allowed.has(equipmentOf(exercise)) || isAvoided(exercise, input.avoid)) continue;
    byGroup.set(group, [...(byGroup.get(group) ?? []), exercise]);
  }
  const rank = (exercise: LibraryExercise) => EQUIPMENT_PREFERENCE.indexOf(equipmentOf(exercise) as Equipment);
  for (const list of byGroup.values()) list.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return byGroup;
}

interface Slot {
  group: MuscleGroup;
  role: SlotRole;
  exercise: LibraryExercise;
  sets: number;
  reps: number;
  rpe: number;
  restSeconds: number;
  minRestSeconds: number;
  progression: Progression;
}

const slotSeconds = (slots: readonly Slot[]) => sessionSeconds(slots.flatMap((slot) => Array.from({ length: slot.sets }, () => slot)));

/** Picks each template group's exercise and its sets, before the session is fitted to its length. */
function planDay(template: DayTemplate, input: GenerationInput, candidates: Map<MuscleGroup, LibraryExercise[]>, frequency: Map<MuscleGroup, number>): Slot[] {
  const used = new Set<string>();
  const slotsOfGroup = (group: MuscleGroup) => template.groups.filter((g) => g === group).length;
  const slots: Slot[] = [];
  const seen = new Map<MuscleGroup, number>();
  for (const group of template.groups) {
    const ordinal = seen.get(group) ?? 0;
    seen.set(group, ordinal + 1);
    const list = candidates.get(group) ?? [];
    const start = (template.variant * 2 + ordinal) % Math.max(list.length, 1);
    const exercise = [...list.slice(start), ...list.slice(0, start)].find((candidate) => !used.has(candidate.id));
    if (!exercise) continue;
    const perSession = Math.ceil(weeklySets(input.goal, input.experience, group) / (frequency.get(group) ?? 1));
    const share = ordinal === 0 ? Math.ceil(perSession / slotsOfGroup(group)) : Math.floor(perSession / slotsOfGroup(group));
    if (share === 0) continue;
    used.add(exercise.id);
    const role: SlotRole = !isMajorGroup(group) ? 'minor' : ordinal === 0 ? 'primary' : 'secondary';
    const prescription = prescribe(input.goal, input.experience, group, role, equipmentOf(exercise));
    slots.push({ group, role, exercise, sets: Math.min(share, MAX_SETS_PER_EXERCISE), ...prescription });
  }
  // Main lifts first: they need the most from a fresh athlete.
  const order: Record<SlotRole, number> = { primary: 0, secondary: 1, minor: 2 };
  return slots.map((slot, index) => ({ slot, index })).sort((a, b) => order[a.slot.role] - order[b.slot.role] || a.index - b.index).map(({ slot }) => slot);
}

/**
 * The cuts that bring a session within its length, least harmful first: fewer
 * sets of small groups and of second exercises; no small groups; main lifts
 * down to two sets; no second exercises; shorter rests; main lifts down to one
 * set. A main lift is only dropped when nothing else is left to cut, which the
 * shortest session (20 minutes) never needs.
 */
const CUTS: ((slots: Slot[]) => boolean)[] = [
  (slots) => fewerSets(slots, 'minor', 1),
  (slots) => fewerSets(slots, 'secondary', 1),
  (slots) => dropLast(slots, 'minor'),
  (slots) => fewerSets(slots, 'primary', 2),
  (slots) => dropLast(slots, 'secondary'),
  (slots) => shorterRest(slots),
  (slots) => fewerSets(slots, 'primary', 1),
  (slots) => dropLast(slots, 'primary'),
];

function fewerSets(slots: Slot[], role: SlotRole, floor: number): boolean {
  const target = slots.filter((slot) => slot.role === role && slot.sets > floor).sort((a, b) => b.sets - a.sets)[0];
  if (!target) return false;
  target.sets -= 1;
  return true;
}

function dropLast(slots: Slot[], role: SlotRole): boolean {
  const index = slots.map((slot) => slot.role).lastIndexOf(role);
  if (index < 0) return false;
  slots.splice(index, 1);
  return true;
}

function shorterRest(slots: Slot[]): boolean {
  const target = slots.filter((slot) => slot.restSeconds > slot.minRestSeconds).sort((a, b) => b.restSeconds - a.restSeconds)[0];
  if (!target) return false;
  target.restSeconds = Math.max(target.minRestSeconds, target.restSeconds - 15);
  return true;
}

function fitToSession(slots: Slot[], sessionMinutes: number): Slot[] {
  const budget = sessionMinutes * 60;
  while (slotSeconds(slots) > budget) {
    if (!CUTS.some((cut) => cut(slots))) break;
  }
  return slots;
}

const GOAL_LABELS = { strength: 'Strength', hypertrophy: 'Hypertrophy', fat_loss: 'Fat loss', general: 'General fitness' } as const;
const SPLIT_LABELS: Record<SplitName, string> = {
  full_body: 'full body',
  upper_lower: 'upper/lower',
  push_pull_legs_upper_lower: 'push/pull/legs + upper/lower',
  push_pull_legs: 'push/pull/legs',
};

/**
 * The rules engine: a week of training from the request and the tenant's
 * exercise library. Pure and deterministic, so the same request on the same
 * library gives the same program; see the generation module's README for the
 * rules.
 */
export function generateProgram(input: GenerationInput, library: readonly LibraryExercise[]): GeneratedProgram {
  const candidates = candidatesByGroup(input, library);
  if (candidates.size === 0) throw new NoFittingExercisesError('No exercise in the library fits the equipment given and what to avoid.');
  const { split, days: templates } = splitFor(input.daysPerWeek);
  const frequency = new Map<MuscleGroup, number>();
  for (const template of templates) for (const group of new Set(template.groups)) frequency.set(group, (frequency.get(group) ?? 0) + 1);

  const days = templates.map((template) => {
    const slots = fitToSession(planDay(template, input, candidates, frequency), input.sessionMinutes);
    return {
      name: template.name,
      exercises: slots.map((slot) => ({
        exerciseId: slot.exercise.id,
        group: slot.group,
        progression: slot.progression,
        sets: Array.from({ length: slot.sets }, () => ({ reps: slot.reps, rpe: slot.rpe, restSeconds: slot.restSeconds })),
      })),
    };
  });
  const uncoveredGroups = MAJOR_MUSCLE_GROUPS.filter((group) => !candidates.has(group));
  const name = `${GOAL_LABELS[input.goal]}: ${input.daysPerWeek} days a week, ${SPLIT_LABELS[split]}`;
  const description = [
    `Generated for ${input.goal.replace('_', ' ')} (${input.experience}), ${input.daysPerWeek} sessions of up to ${input.sessionMinutes} minutes a week, ${SPLIT_LABELS[split]}, with ${input.equipment.join(', ')}.`,
    uncoveredGroups.length ? `No exercise in the library fits for: ${uncoveredGroups.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { name, description, split, days, uncoveredGroups };
}

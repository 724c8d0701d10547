/** Groups every generated week trains at least twice (the splits give each two days or more). */
export const MAJOR_MUSCLE_GROUPS = ['chest', 'back', 'shoulders', 'quads', 'hamstrings_glutes'] as const;
/** Groups trained when a session has time left after the major ones. */
export const MINOR_MUSCLE_GROUPS = ['biceps', 'triceps', 'calves', 'core'] as const;
export type MajorMuscleGroup = (typeof MAJOR_MUSCLE_GROUPS)[number];
export type MuscleGroup = MajorMuscleGroup | (typeof MINOR_MUSCLE_GROUPS)[number];

/**
 * The library's primary muscles (free text, coaches add their own) mapped to
 * the groups the generator plans by. A muscle not named here (full body,
 * forearms, ...) belongs to no group and is never planned.
 */
const GROUP_OF_MUSCLE: Readonly<Record<string, MuscleGroup>> = {
  chest: 'chest',
  pecs: 'chest',
  pectorals: 'chest',
  back: 'back',
  lats: 'back',
  'upper back': 'back',
  'lower back': 'back',
  traps: 'back',
  rhomboids: 'back',
  shoulders: 'shoulders',
  delts: 'shoulders',
  deltoids: 'shoulders',
  'rear delts': 'shoulders',
  'side delts': 'shoulders',
  'front delts': 'shoulders',
  quadriceps: 'quads',
  quads: 'quads',
  hamstrings: 'hamstrings_glutes',
  glutes: 'hamstrings_glutes',
  'posterior chain': 'hamstrings_glutes',
  hamstrings_glutes: 'hamstrings_glutes',
  biceps: 'biceps',
  triceps: 'triceps',
  calves: 'calves',
  abdominals: 'core',
  abs: 'core',
  obliques: 'core',
  core: 'core',
};

/** Case and surrounding spaces never distinguish two muscles or two pieces of equipment. */
export function normalizeName(text: string): string {
  return text.trim().toLowerCase();
}

export function muscleGroupOf(primaryMuscle: string): MuscleGroup | undefined {
  return GROUP_OF_MUSCLE[normalizeName(primaryMuscle)];
}

export function isMajorGroup(group: MuscleGroup): group is MajorMuscleGroup {
  return (MAJOR_MUSCLE_GROUPS as readonly string[]).includes(group);
}

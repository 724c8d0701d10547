import fc from 'fast-check';
import { EQUIPMENT, EXPERIENCE_LEVELS, GENERATION_GOALS, generateProgramBody, type GenerationInput } from '../api/generation';
import { programBody } from '../api/training';
import { EXERCISE_LIBRARY } from '../exercise-library';
import { generateProgram, NoFittingExercisesError, type GeneratedProgram, type LibraryExercise } from './generate-program';
import { MAJOR_MUSCLE_GROUPS, muscleGroupOf } from './muscle-groups';
import { progressionSchema } from './progression';
import { sessionSeconds } from './session-time';

/*
 * The constraints API.md states, checked over many random requests and
 * libraries. The checks below restate the rules (equipment, avoid, groups)
 * from the request and the raw library rows, not through the engine's helpers.
 */

const KNOWN_MUSCLES = ['chest', 'Chest', 'lats', 'upper back', 'shoulders', 'rear delts', 'quadriceps', 'Quads', 'hamstrings', 'glutes', 'posterior chain', 'biceps', 'triceps', 'calves', 'abdominals', 'obliques'];
const OTHER_MUSCLES = ['forearms', 'full body', 'neck'];
const LIBRARY_EQUIPMENT = [...EQUIPMENT, 'Barbell', ' dumbbell ', 'ez-bar', 'rower', 'ab wheel', null, ''];
const CATEGORIES = ['push', 'pull', 'legs', 'core', 'cardio', 'other'];

const exerciseArb: fc.Arbitrary<LibraryExercise> = fc.record({
  id: fc.uuid(),
  name: fc.string({ minLength: 1, maxLength: 20 }),
  category: fc.constantFrom(...CATEGORIES),
  primaryMuscle: fc.constantFrom(...KNOWN_MUSCLES, ...OTHER_MUSCLES),
  equipment: fc.constantFrom(...LIBRARY_EQUIPMENT),
});

const seeded: LibraryExercise[] = EXERCISE_LIBRARY.map((exercise, i) => ({ ...exercise, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));

/** A random library, or the seeded one with random additions: both the sparse and the realistic case. */
const libraryArb = fc.oneof(fc.array(exerciseArb, { minLength: 0, maxLength: 60 }), fc.array(exerciseArb, { maxLength: 10 }).map((extra) => [...seeded, ...extra]));

function inputArb(library: LibraryExercise[]): fc.Arbitrary<GenerationInput> {
  const avoidEntry = fc.oneof(
    ...(library.length ? [fc.constantFrom(...library.map((e) => e.id))] : []),
    fc.constantFrom(...KNOWN_MUSCLES, ...OTHER_MUSCLES, 'BACK', 'core', 'hamstrings_glutes', 'chest '),
  );
  return fc.record({
    goal: fc.constantFrom(...GENERATION_GOALS),
    daysPerWeek: fc.integer({ min: 2, max: 6 }),
    sessionMinutes: fc.integer({ min: 20, max: 180 }),
    experience: fc.constantFrom(...EXPERIENCE_LEVELS),
    equipment: fc.subarray([...EQUIPMENT], { minLength: 1 }),
    avoid: fc.array(avoidEntry, { maxLength: 5 }),
  });
}

const caseArb = libraryArb.chain((library) => inputArb(library).map((input) => ({ library, input })));

/** The request's rules, restated: which library rows a program may use. */
const equipmentOfRow = (e: LibraryExercise) => (e.equipment === null || e.equipment.trim() === '' ? 'bodyweight' : e.equipment.trim().toLowerCase());
const avoids = (input: GenerationInput, e: LibraryExercise) =>
  input.avoid.some((a) => a === e.id || a.trim().toLowerCase() === e.primaryMuscle.trim().toLowerCase() || a.trim().toLowerCase() === muscleGroupOf(e.primaryMuscle));
const usable = (input: GenerationInput, e: LibraryExercise) =>
  e.category !== 'cardio' && muscleGroupOf(e.primaryMuscle) !== undefined && (input.equipment as string[]).includes(equipmentOfRow(e)) && !avoids(input, e);

function run(library: LibraryExercise[], input: GenerationInput): GeneratedProgram | undefined {
  try {
    return generateProgram(input, library);
  } catch (error) {
    if (error instanceof NoFittingExercisesError) return undefined;
    throw error;
  }
}

const RUNS = { numRuns: 400 };

test('fails only when no exercise of the library fits, and then always', () => {
  fc.assert(
    fc.property(caseArb, ({ library, input }) => {
      expect(run(library, input) === undefined).toBe(!library.some((e) => usable(input, e)));
    }),
    RUNS,
  );
});

test('uses only the equipment given, and nothing the request avoids', () => {
  fc.assert(
    fc.property(caseArb, ({ library, input }) => {
      const program = run(library, input);
      const byId = new Map(library.map((e) => [e.id, e]));
      for (const day of program?.days ?? []) {
        for (const exercise of day.exercises) {
          const row = byId.get(exercise.exerciseId)!;
          expect(input.equipment).toContain(equipmentOfRow(row));
          expect(avoids(input, row)).toBe(false);
          expect(row.category).not.toBe('cardio');
        }
      }
    }),
    RUNS,
  );
});

test('trains every major muscle group the library allows on at least two days a week', () => {
  fc.assert(
    fc.property(caseArb, ({ library, input }) => {
      const program = run(library, input);
      if (!program) return;
      const groupOf = new Map(library.map((e) => [e.id, muscleGroupOf(e.primaryMuscle)]));
      for (const group of MAJOR_MUSCLE_GROUPS) {
        const available = library.some((e) => usable(input, e) && muscleGroupOf(e.primaryMuscle) === group);
        const days = program.days.filter((day) => day.exercises.some((e) => groupOf.get(e.exerciseId) === group)).length;
        if (available) expect(days).toBeGreaterThanOrEqual(2);
        else expect(program.uncoveredGroups).toContain(group);
      }
    }),
    RUNS,
  );
});

test('every session fits sessionMinutes, with a rest after every set', () => {
  fc.assert(
    fc.property(caseArb, ({ library, input }) => {
      for (const day of run(library, input)?.days ?? []) {
        const sets = day.exercises.flatMap((e) => e.sets);
        for (const set of sets) expect(set.restSeconds).toBeGreaterThan(0);
        expect(sessionSeconds(sets)).toBeLessThanOrEqual(input.sessionMinutes * 60);
      }
    }),
    RUNS,
  );
});

test('each exercise carries a valid progression rule that suits the goal and experience', () => {
  fc.assert(
    fc.property(caseArb, ({ library, input }) => {
      for (const day of run(library, input)?.days ?? []) {
        for (const exercise of day.exercises) {
          expect(progressionSchema.safeParse(exercise.progression).success).toBe(true);
          const { progression } = exercise;
          if (input.goal !== 'strength') expect(progression.type).toBe('double_progression');
          if (progression.type === 'linear') expect(input).toMatchObject({ goal: 'strength', experience: 'beginner' });
          if (progression.type === 'percentage') expect(input.experience).not.toBe('beginner');
          if (progression.type === 'double_progression') {
            for (const set of exercise.sets) expect(set.reps).toBe(progression.repRange.min);
          }
          if (progression.type === 'percentage') for (const set of exercise.sets) expect(set.reps).toBe(progression.weeks[0]!.reps);
        }
      }
    }),
    RUNS,
  );
});

test('the split follows daysPerWeek, and the result is an ordinary program the API accepts', () => {
  const splits = { 2: 'full_body', 3: 'full_body', 4: 'upper_lower', 5: 'push_pull_legs_upper_lower', 6: 'push_pull_legs' } as const;
  fc.assert(
    fc.property(caseArb, ({ library, input }) => {
      expect(generateProgramBody.safeParse(input).success).toBe(true);
      const program = run(library, input);
      if (!program) return;
      expect(program.days).toHaveLength(input.daysPerWeek);
      expect(program.split).toBe(splits[input.daysPerWeek as keyof typeof splits]);
      const body = {
        name: program.name,
        description: program.description,
        days: program.days.map((day) => ({ name: day.name, exercises: day.exercises.map((e) => ({ exerciseId: e.exerciseId, progression: e.progression, sets: e.sets })) })),
      };
      expect(programBody.safeParse(body).error).toBeUndefined();
      // No exercise twice in one day.
      for (const day of program.days) expect(new Set(day.exercises.map((e) => e.exerciseId)).size).toBe(day.exercises.length);
    }),
    RUNS,
  );
});

test('the same request on the same library gives the same program', () => {
  fc.assert(
    fc.property(caseArb, ({ library, input }) => {
      expect(run([...library].reverse(), input)).toEqual(run(library, input));
    }),
    { numRuns: 100 },
  );
});

describe('on the seeded library', () => {
  const everything: GenerationInput = { goal: 'hypertrophy', daysPerWeek: 4, sessionMinutes: 60, experience: 'intermediate', equipment: [...EQUIPMENT], avoid: [] };

  test('four days are upper/lower with double progression and every major group twice', () => {
    const program = generateProgram(everything, seeded);
    expect(program.days.map((d) => d.name)).toEqual(['Upper A', 'Lower A', 'Upper B', 'Lower B']);
    expect(program.uncoveredGroups).toEqual([]);
    expect(program.days.flatMap((d) => d.exercises).every((e) => e.progression.type === 'double_progression')).toBe(true);
  });

  test('strength beginners progress their main lifts linearly, trained lifters by percentages with a deload week', () => {
    const beginner = generateProgram({ ...everything, goal: 'strength', experience: 'beginner', daysPerWeek: 3 }, seeded);
    const squat = seeded.find((e) => e.name === 'Back Squat')!;
    const first = beginner.days[0]!.exercises[0]!;
    expect(first).toMatchObject({ exerciseId: squat.id, progression: { type: 'linear', incrementKg: 5 } });
    expect(first.sets[0]).toMatchObject({ reps: 5, restSeconds: 180 });
    const trained = generateProgram({ ...everything, goal: 'strength', experience: 'advanced', daysPerWeek: 3 }, seeded);
    expect(trained.days[0]!.exercises[0]!.progression).toEqual({
      type: 'percentage',
      weeks: [
        { percentOf1rm: 75, reps: 5 },
        { percentOf1rm: 80, reps: 3 },
        { percentOf1rm: 85, reps: 2 },
      ],
      deload: { everyWeeks: 4, loadPercent: 60, setsPercent: 60 },
    });
  });

  test('a short session keeps one exercise per major group and drops the small ones', () => {
    const program = generateProgram({ ...everything, daysPerWeek: 2, sessionMinutes: 20, goal: 'strength' }, seeded);
    const groups = program.days[0]!.exercises.map((e) => e.group);
    expect(new Set(groups)).toEqual(new Set(MAJOR_MUSCLE_GROUPS));
    expect(sessionSeconds(program.days[0]!.exercises.flatMap((e) => e.sets))).toBeLessThanOrEqual(20 * 60);
  });

  test('avoiding a muscle group by name leaves out every exercise of it', () => {
    const program = generateProgram({ ...everything, avoid: ['Back'] }, seeded);
    expect(program.uncoveredGroups).toEqual(['back']);
    expect(program.days.flatMap((d) => d.exercises).some((e) => e.group === 'back')).toBe(false);
  });
});

import { addDays, DEFAULT_TRIAGE_THRESHOLDS as T, isoWeekOf, triage, type TriageFacts } from './triage';

const today = '2026-12-07';
const A = '00000000-0000-7000-8000-00000000000a';
const B = '00000000-0000-7000-8000-00000000000b';
const SQUAT = '00000000-0000-7000-8000-000000000051';

const facts = (partial: Partial<TriageFacts>): TriageFacts => ({
  today,
  athletes: [{ athleteId: A, joinedDay: '2026-01-01', lastTrainingDay: today }],
  exerciseDays: [],
  loadDays: [],
  records: [],
  adherence: [],
  ...partial,
});

test('days and ISO weeks', () => {
  expect(addDays('2026-12-07', -21)).toBe('2026-11-16');
  expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
  expect(isoWeekOf('2026-12-07')).toBe('2026-12-07');
  expect(isoWeekOf('2026-12-13')).toBe('2026-12-07');
});

test('inactive: 7 days after the last training day, or after joining without training', () => {
  const items = triage(
    facts({
      athletes: [
        { athleteId: A, joinedDay: '2026-01-01', lastTrainingDay: addDays(today, -7) },
        { athleteId: B, joinedDay: addDays(today, -6), lastTrainingDay: null },
      ],
    }),
    T,
  );
  expect(items).toEqual([expect.objectContaining({ athleteId: A, kind: 'inactive', since: `${addDays(today, -7)}T00:00:00.000Z`, subject: `trained:${addDays(today, -7)}` })]);
  expect(triage(facts({ athletes: [{ athleteId: A, joinedDay: '2026-01-01', lastTrainingDay: addDays(today, -6) }] }), T)).toEqual([]);
  expect(triage(facts({ athletes: [{ athleteId: B, joinedDay: addDays(today, -7), lastTrainingDay: null }] }), T)[0]).toMatchObject({ kind: 'inactive', detail: expect.stringContaining('since joining') });
});

test('missed workouts: planned minus completed at the threshold', () => {
  const windowStart = addDays(today, -6);
  expect(triage(facts({ adherence: [{ athleteId: A, planned: 3, completed: 1, windowStart }] }), T)).toEqual([
    expect.objectContaining({ kind: 'missed_workouts', since: `${windowStart}T00:00:00.000Z`, data: { planned: 3, completed: 1, missed: 2 } }),
  ]);
  expect(triage(facts({ adherence: [{ athleteId: A, planned: 3, completed: 2, windowStart }] }), T)).toEqual([]);
});

test('stalled lift: the best e1RM was reached more than three weeks ago and the lift was trained 3 times since', () => {
  const row = (daysAgo: number, e1rm: number) => ({ athleteId: A, exerciseId: SQUAT, exerciseName: 'Squat', day: addDays(today, -daysAgo), bestE1rmKg: e1rm });
  const stalled = [row(30, 120), row(25, 118), row(18, 119), row(11, 120), row(4, 117)];
  expect(triage(facts({ exerciseDays: stalled }), T)).toEqual([
    expect.objectContaining({ kind: 'stalled_lift', since: `${addDays(today, -30)}T00:00:00.000Z`, subject: `${SQUAT}:${addDays(today, -30)}`, data: expect.objectContaining({ bestE1rmKg: 120, recentSessions: 3 }) }),
  ]);
  // A rise within the three weeks: not stalled.
  expect(triage(facts({ exerciseDays: [...stalled.slice(0, 4), row(4, 121)] }), T)).toEqual([]);
  // Too few sessions within the three weeks to judge.
  expect(triage(facts({ exerciseDays: [row(30, 120), row(18, 119), row(11, 118)] }), T)).toEqual([]);
});

test('rising RPE: the same load, average RPE up by the threshold from one week to the next', () => {
  const set = (daysAgo: number, weightKg: number, rpes: number[]) => ({ athleteId: A, exerciseId: SQUAT, exerciseName: 'Squat', weightKg, day: addDays(today, -daysAgo), rpeSum: rpes.reduce((s, r) => s + r, 0), rpeCount: rpes.length });
  const rising = [set(12, 100, [7, 7]), set(9, 100, [7]), set(5, 100, [8]), set(1, 100, [8, 8.5])];
  expect(triage(facts({ loadDays: rising }), T)).toEqual([
    expect.objectContaining({ kind: 'rising_rpe', since: `${addDays(today, -12)}T00:00:00.000Z`, data: expect.objectContaining({ weightKg: 100, previousRpe: 7, recentRpe: 8.17 }) }),
  ]);
  // Higher RPE at a heavier load is no rise at the same load.
  expect(triage(facts({ loadDays: [set(12, 100, [7, 7]), set(2, 110, [8.5, 8.5])] }), T)).toEqual([]);
  // A rise under the threshold.
  expect(triage(facts({ loadDays: [set(12, 100, [7, 7]), set(2, 100, [7.5, 7.5])] }), T)).toEqual([]);
});

test('new records: one item per exercise with the best of each kind', () => {
  const record = (kind: 'e1rm' | 'weight' | 'reps', value: number, at: string) => ({ athleteId: A, exerciseId: SQUAT, exerciseName: 'Squat', kind, value, achievedAt: at });
  const items = triage(facts({ records: [record('e1rm', 130, '2026-12-03T10:00:00.000Z'), record('e1rm', 133.3, '2026-12-06T10:00:00.000Z'), record('weight', 110, '2026-12-06T10:00:00.000Z')] }), T);
  expect(items).toEqual([
    expect.objectContaining({ kind: 'new_record', since: '2026-12-06T10:00:00.000Z', subject: `${SQUAT}:2026-12-06`, detail: 'New records in Squat: estimated 1RM 133.3 kg, heaviest weight 110 kg.' }),
  ]);
});

test('most urgent first: by kind, then the longest-standing', () => {
  const items = triage(
    facts({
      athletes: [
        { athleteId: A, joinedDay: '2026-01-01', lastTrainingDay: addDays(today, -8) },
        { athleteId: B, joinedDay: '2026-01-01', lastTrainingDay: addDays(today, -20) },
      ],
      adherence: [{ athleteId: A, planned: 3, completed: 0, windowStart: addDays(today, -6) }],
      records: [{ athleteId: B, exerciseId: SQUAT, exerciseName: 'Squat', kind: 'reps', value: 12, achievedAt: '2026-12-06T10:00:00.000Z' }],
    }),
    T,
  );
  expect(items.map((i) => [i.kind, i.athleteId])).toEqual([
    ['inactive', B],
    ['inactive', A],
    ['missed_workouts', A],
    ['new_record', B],
  ]);
});

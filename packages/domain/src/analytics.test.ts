import { analyticsWindow, estimateWorkoutCalories } from './analytics';

test('calories: MET weighted by sets × kg × hours', () => {
  // Half push (5.0), half legs (6.0): MET 5.5; 80 kg for one hour.
  expect(estimateWorkoutCalories({ durationSeconds: 3600, bodyWeightKg: 80, setsByCategory: { push: 3, legs: 3 } })).toBeCloseTo(440);
  // No body weight recorded: 70 kg; 30 minutes of cardio (7.0).
  expect(estimateWorkoutCalories({ durationSeconds: 1800, bodyWeightKg: null, setsByCategory: { cardio: 4 } })).toBeCloseTo(245);
  // No sets: `other` (4.0).
  expect(estimateWorkoutCalories({ durationSeconds: 900, bodyWeightKg: 100, setsByCategory: {} })).toBeCloseTo(100);
});

test('the default window is the 28 days ending today, both ends included', () => {
  const now = new Date('2026-03-29T07:00:00.000Z');
  expect(analyticsWindow({}, now)).toEqual({ from: '2026-03-02', to: '2026-03-29' });
  expect(analyticsWindow({ to: '2026-01-28' }, now)).toEqual({ from: '2026-01-01', to: '2026-01-28' });
  expect(analyticsWindow({ from: '2026-02-01' }, now)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  expect(analyticsWindow({ from: '2026-02-01', to: '2026-02-01' }, now)).toEqual({ from: '2026-02-01', to: '2026-02-01' });
});

import fc from 'fast-check';
import { detectRecords, e1rmKey, epley, priorBests, progressOf, recordHistory, volumeKg, type SetSample } from './training-rules';

const weight = fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100);
const sample = fc.record({ reps: fc.integer({ min: 0, max: 1000 }), weightKg: weight });
const history = fc.array(sample, { maxLength: 30 });

/** The definition in API.md, written as directly as possible. */
function isRecordByDefinition(earlier: SetSample[], set: SetSample): boolean {
  if (earlier.length === 0) return true;
  const e1rm = (s: SetSample) => epley(s.weightKg, s.reps);
  const beatsE1rm = earlier.every((s) => e1rm(set) > e1rm(s) + 1e-9);
  const beatsWeight = earlier.every((s) => set.weightKg > s.weightKg);
  const beatsReps = earlier.filter((s) => s.weightKg >= set.weightKg).every((s) => set.reps > s.reps);
  return beatsE1rm || beatsWeight || beatsReps;
}

describe('epley', () => {
  test('is weight * (1 + reps / 30)', () => {
    expect(epley(100, 0)).toBe(100);
    expect(epley(100, 30)).toBe(200);
    expect(epley(90, 6)).toBeCloseTo(108);
  });

  test('the integer key orders sets exactly as the estimate does', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const diff = epley(a.weightKg, a.reps) - epley(b.weightKg, b.reps);
        const keyDiff = e1rmKey(a) - e1rmKey(b);
        if (Math.abs(diff) > 1e-6) expect(Math.sign(keyDiff)).toBe(Math.sign(diff));
      }),
    );
  });
});

describe('detectRecords', () => {
  test('the first set of an exercise is a record of every kind', () => {
    expect(detectRecords(priorBests([], 60), { reps: 5, weightKg: 60 })).toEqual([
      { kind: 'e1rm', value: 70 },
      { kind: 'weight', value: 60 },
      { kind: 'reps', value: 5 },
    ]);
  });

  test('more reps at a lighter weight than ever is only a reps record when nothing at least that heavy had as many', () => {
    const earlier = [{ reps: 5, weightKg: 100 }];
    expect(detectRecords(priorBests(earlier, 80), { reps: 6, weightKg: 80 })).toEqual([{ kind: 'reps', value: 6 }]);
    expect(detectRecords(priorBests(earlier, 80), { reps: 5, weightKg: 80 })).toEqual([]);
  });

  test('a heavier single is a weight record but not an e1rm record', () => {
    const earlier = [{ reps: 10, weightKg: 100 }];
    expect(detectRecords(priorBests(earlier, 110), { reps: 1, weightKg: 110 }).map((h) => h.kind)).toEqual(['weight', 'reps']);
  });

  test('a higher e1rm at the same weight is an e1rm and reps record', () => {
    const earlier = [{ reps: 5, weightKg: 100 }];
    expect(detectRecords(priorBests(earlier, 100), { reps: 6, weightKg: 100 })).toEqual([
      { kind: 'e1rm', value: 120 },
      { kind: 'reps', value: 6 },
    ]);
  });

  test('agrees with the definition for any history', () => {
    fc.assert(
      fc.property(history, sample, (earlier, set) => {
        expect(detectRecords(priorBests(earlier, set.weightKg), set).length > 0).toBe(isRecordByDefinition(earlier, set));
      }),
    );
  });

  test('repeating an earlier set is never a record', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 30 }), fc.nat(), (earlier, pick) => {
        const set = earlier[pick % earlier.length]!;
        expect(detectRecords(priorBests(earlier, set.weightKg), set)).toEqual([]);
      }),
    );
  });

  test('more history never turns a non-record into a record', () => {
    fc.assert(
      fc.property(history, history, sample, (earlier, more, set) => {
        if (detectRecords(priorBests(earlier, set.weightKg), set).length === 0) {
          expect(detectRecords(priorBests([...earlier, ...more], set.weightKg), set)).toEqual([]);
        }
      }),
    );
  });
});

describe('progressOf', () => {
  test('is 0% when nothing is planned', () => {
    expect(progressOf(0, 0)).toEqual({ completed: 0, planned: 0, percent: 0 });
  });

  test('rounds the percentage', () => {
    expect(progressOf(1, 3)).toEqual({ completed: 1, planned: 3, percent: 33 });
    expect(progressOf(2, 3)).toEqual({ completed: 2, planned: 3, percent: 67 });
  });

  test('stays within 0..100', () => {
    fc.assert(
      fc.property(fc.nat({ max: 500 }), fc.nat({ max: 500 }), (a, b) => {
        const planned = Math.max(a, b);
        const { percent } = progressOf(Math.min(a, b), planned);
        expect(percent).toBeGreaterThanOrEqual(0);
        expect(percent).toBeLessThanOrEqual(100);
      }),
    );
  });
});

test('volumeKg sums reps times weight', () => {
  expect(volumeKg([{ reps: 5, weightKg: 100 }, { reps: 8, weightKg: 62.5 }])).toBe(1000);
  expect(volumeKg([])).toBe(0);
});

describe('recordHistory', () => {
  test('holds exactly the records that logging the sets one by one detects', () => {
    fc.assert(
      fc.property(history, (sets) => {
        const withIds = sets.map((set, i) => ({ id: `s${i}`, ...set }));
        const expected = withIds.flatMap((set, i) => detectRecords(priorBests(sets.slice(0, i), set.weightKg), set).map((hit) => ({ setId: set.id, ...hit })));
        expect(recordHistory(withIds)).toEqual(expected);
      }),
    );
  });

  test('deleting the record set makes the best remaining set the record', () => {
    const sets = [
      { id: 'a', reps: 5, weightKg: 100 },
      { id: 'b', reps: 5, weightKg: 120 },
      { id: 'c', reps: 5, weightKg: 110 },
    ];
    expect(recordHistory(sets).filter((r) => r.kind === 'weight')).toEqual([
      { setId: 'a', kind: 'weight', value: 100 },
      { setId: 'b', kind: 'weight', value: 120 },
    ]);
    expect(recordHistory(sets.filter((s) => s.id !== 'b')).filter((r) => r.kind === 'weight')).toEqual([
      { setId: 'a', kind: 'weight', value: 100 },
      { setId: 'c', kind: 'weight', value: 110 },
    ]);
  });
});

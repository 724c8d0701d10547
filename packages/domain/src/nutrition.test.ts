import fc from 'fast-check';
import { ACTIVITY_FACTORS, mifflinStJeor, nutritionTargets, type NutritionProfile } from './nutrition';

describe('Mifflin-St Jeor', () => {
  test('resting expenditure of the worked examples', () => {
    expect(mifflinStJeor({ sex: 'male', age: 30, heightCm: 180, weightKg: 80 })).toBe(1780);
    expect(mifflinStJeor({ sex: 'female', age: 25, heightCm: 165, weightKg: 60 })).toBe(1345.25);
  });

  test.each<[NutritionProfile, { calories: number; proteinG: number; carbsG: number; fatG: number }]>([
    // 1780 × 1.55 = 2759; protein 1.6 g/kg; fat 25 %; carbs the rest.
    [{ sex: 'male', age: 30, heightCm: 180, weightKg: 80, activity: 'moderate', goal: 'maintain' }, { calories: 2759, proteinG: 128, fatG: 77, carbsG: 389 }],
    // 1345.25 × 1.2 × 0.8 = 1291 is below resting expenditure, so 1345; protein capped at 35 % of calories.
    [{ sex: 'female', age: 25, heightCm: 165, weightKg: 60, activity: 'sedentary', goal: 'lose' }, { calories: 1345, proteinG: 118, fatG: 37, carbsG: 135 }],
    // 1798.75 × 1.725 × 1.1 = 3413; protein 1.8 g/kg.
    [{ sex: 'male', age: 40, heightCm: 175, weightKg: 90, activity: 'active', goal: 'gain' }, { calories: 3413, proteinG: 162, fatG: 95, carbsG: 478 }],
    // 1289 × 1.375 × 0.8 = 1418; 2 g/kg would be 140 g, over the 35 % cap of 124 g.
    [{ sex: 'female', age: 50, heightCm: 160, weightKg: 70, activity: 'light', goal: 'lose' }, { calories: 1418, proteinG: 124, fatG: 39, carbsG: 143 }],
  ])('worked example %#', (profile, expected) => {
    expect(nutritionTargets(profile)).toEqual({ ...expected, method: 'mifflin-st-jeor' });
  });

  test('each activity level multiplies maintenance by its factor', () => {
    const base = { sex: 'male', age: 30, heightCm: 180, weightKg: 80, goal: 'maintain' } as const;
    expect(ACTIVITY_FACTORS).toEqual({ sedentary: 1.2, light: 1.375, moderate: 1.55, active: 1.725, very_active: 1.9 });
    for (const [activity, factor] of Object.entries(ACTIVITY_FACTORS)) {
      expect(nutritionTargets({ ...base, activity: activity as NutritionProfile['activity'] }).calories).toBe(Math.round(1780 * factor));
    }
  });

  const profiles = fc.record({
    sex: fc.constantFrom('female' as const, 'male' as const),
    age: fc.integer({ min: 18, max: 100 }),
    heightCm: fc.integer({ min: 100, max: 250 }),
    weightKg: fc.integer({ min: 30, max: 300 }),
    activity: fc.constantFrom(...(Object.keys(ACTIVITY_FACTORS) as NutritionProfile['activity'][])),
  });

  test('lose is below and gain above maintenance (or at resting expenditure), macros add up to the calories', () => {
    fc.assert(
      fc.property(profiles, (p) => {
        const lose = nutritionTargets({ ...p, goal: 'lose' });
        const maintain = nutritionTargets({ ...p, goal: 'maintain' });
        const gain = nutritionTargets({ ...p, goal: 'gain' });
        expect(gain.calories).toBeGreaterThan(maintain.calories);
        expect(lose.calories).toBeLessThan(maintain.calories);
        expect(lose.calories).toBeGreaterThanOrEqual(Math.round(mifflinStJeor(p)));
        for (const t of [lose, maintain, gain]) {
          expect(Math.min(t.proteinG, t.carbsG, t.fatG)).toBeGreaterThanOrEqual(0);
          expect(Math.abs(t.proteinG * 4 + t.carbsG * 4 + t.fatG * 9 - t.calories)).toBeLessThanOrEqual(9);
        }
      }),
    );
  });
});

/**
 * Daily nutrition targets from Mifflin-St Jeor; the formulas and constants are
 * documented in apps/api-gateway/src/modules/nutrition/README.md.
 */

export type Sex = 'female' | 'male';
export type ActivityLevel = 'sedentary' | 'light' | 'moderate' | 'active' | 'very_active';
export type NutritionGoal = 'lose' | 'maintain' | 'gain';

export interface NutritionProfile {
  sex: Sex;
  age: number;
  heightCm: number;
  weightKg: number;
  activity: ActivityLevel;
  goal: NutritionGoal;
}

export interface NutritionTargets {
  calories: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
  method: 'mifflin-st-jeor';
}

/** Total energy expenditure over resting: the usual Mifflin-St Jeor multipliers. */
export const ACTIVITY_FACTORS: Readonly<Record<ActivityLevel, number>> = {
  sedentary: 1.2,
  light: 1.375,
  moderate: 1.55,
  active: 1.725,
  very_active: 1.9,
};

/** Calories as a share of maintenance: a 20 % deficit to lose, a 10 % surplus to gain. */
export const GOAL_FACTORS: Readonly<Record<NutritionGoal, number>> = { lose: 0.8, maintain: 1, gain: 1.1 };

/** Protein in grams per kilogram of body weight: highest in a deficit, to keep muscle. */
export const PROTEIN_G_PER_KG: Readonly<Record<NutritionGoal, number>> = { lose: 2.0, maintain: 1.6, gain: 1.8 };

/** Fat's share of calories; protein never takes more than its cap, carbohydrates take the rest. */
export const FAT_SHARE = 0.25;
export const PROTEIN_MAX_SHARE = 0.35;

const KCAL_PER_G = { protein: 4, carbs: 4, fat: 9 } as const;

/** Resting energy expenditure, kcal/day: 10·kg + 6.25·cm − 5·years, +5 for men, −161 for women. */
export function mifflinStJeor(profile: Pick<NutritionProfile, 'sex' | 'age' | 'heightCm' | 'weightKg'>): number {
  return 10 * profile.weightKg + 6.25 * profile.heightCm - 5 * profile.age + (profile.sex === 'male' ? 5 : -161);
}

export function nutritionTargets(profile: NutritionProfile): NutritionTargets {
  const bmr = mifflinStJeor(profile);
  const maintenance = bmr * ACTIVITY_FACTORS[profile.activity];
  // A deficit never goes below resting expenditure.
  const calories = Math.round(Math.max(maintenance * GOAL_FACTORS[profile.goal], profile.goal === 'lose' ? bmr : 0));
  const proteinG = Math.round(Math.min(PROTEIN_G_PER_KG[profile.goal] * profile.weightKg, (PROTEIN_MAX_SHARE * calories) / KCAL_PER_G.protein));
  const fatG = Math.round((FAT_SHARE * calories) / KCAL_PER_G.fat);
  const carbsG = Math.max(0, Math.round((calories - proteinG * KCAL_PER_G.protein - fatG * KCAL_PER_G.fat) / KCAL_PER_G.carbs));
  return { calories, proteinG, carbsG, fatG, method: 'mifflin-st-jeor' };
}

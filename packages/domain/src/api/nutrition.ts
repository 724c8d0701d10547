import { z } from 'zod';

/** Mifflin-St Jeor is validated on adults; the ranges keep every input physiological. */
export const nutritionTargetsBody = z
  .strictObject({
    sex: z.enum(['female', 'male']),
    age: z.number().int().min(18).max(100),
    heightCm: z.number().min(100).max(250),
    weightKg: z.number().min(30).max(300),
    activity: z.enum(['sedentary', 'light', 'moderate', 'active', 'very_active']),
    goal: z.enum(['lose', 'maintain', 'gain']),
  })
  .meta({ id: 'NutritionTargetsRequest' });

export const nutritionTargetsSchema = z
  .object({
    calories: z.number().int(),
    proteinG: z.number().int(),
    carbsG: z.number().int(),
    fatG: z.number().int(),
    method: z.literal('mifflin-st-jeor'),
  })
  .meta({ id: 'NutritionTargets' });

/** The library every new tenant starts with; coaches add their own on top. */
export interface LibraryExercise {
  name: string;
  category: 'push' | 'pull' | 'legs' | 'core' | 'cardio' | 'other';
  primaryMuscle: string;
  equipment: string | null;
}

export const EXERCISE_LIBRARY: readonly LibraryExercise[] = [
  { name: 'Barbell Bench Press', category: 'push', primaryMuscle: 'chest', equipment: 'barbell' },
  { name: 'Incline Dumbbell Press', category: 'push', primaryMuscle: 'chest', equipment: 'dumbbell' },
  { name: 'Overhead Press', category: 'push', primaryMuscle: 'shoulders', equipment: 'barbell' },
  { name: 'Dumbbell Shoulder Press', category: 'push', primaryMuscle: 'shoulders', equipment: 'dumbbell' },
  { name: 'Lateral Raise', category: 'push', primaryMuscle: 'shoulders', equipment: 'dumbbell' },
  { name: 'Dip', category: 'push', primaryMuscle: 'triceps', equipment: 'bodyweight' },
  { name: 'Push-up', category: 'push', primaryMuscle: 'chest', equipment: 'bodyweight' },
  { name: 'Triceps Pushdown', category: 'push', primaryMuscle: 'triceps', equipment: 'cable' },
  { name: 'Skull Crusher', category: 'push', primaryMuscle: 'triceps', equipment: 'ez-bar' },
  { name: 'Cable Fly', category: 'push', primaryMuscle: 'chest', equipment: 'cable' },
  { name: 'Deadlift', category: 'pull', primaryMuscle: 'posterior chain', equipment: 'barbell' },
  { name: 'Pull-up', category: 'pull', primaryMuscle: 'lats', equipment: 'bodyweight' },
  { name: 'Chin-up', category: 'pull', primaryMuscle: 'lats', equipment: 'bodyweight' },
  { name: 'Barbell Row', category: 'pull', primaryMuscle: 'upper back', equipment: 'barbell' },
  { name: 'Lat Pulldown', category: 'pull', primaryMuscle: 'lats', equipment: 'cable' },
  { name: 'Seated Cable Row', category: 'pull', primaryMuscle: 'upper back', equipment: 'cable' },
  { name: 'Face Pull', category: 'pull', primaryMuscle: 'rear delts', equipment: 'cable' },
  { name: 'Barbell Curl', category: 'pull', primaryMuscle: 'biceps', equipment: 'barbell' },
  { name: 'Hammer Curl', category: 'pull', primaryMuscle: 'biceps', equipment: 'dumbbell' },
  { name: 'Single-arm Dumbbell Row', category: 'pull', primaryMuscle: 'lats', equipment: 'dumbbell' },
  { name: 'Back Squat', category: 'legs', primaryMuscle: 'quadriceps', equipment: 'barbell' },
  { name: 'Front Squat', category: 'legs', primaryMuscle: 'quadriceps', equipment: 'barbell' },
  { name: 'Romanian Deadlift', category: 'legs', primaryMuscle: 'hamstrings', equipment: 'barbell' },
  { name: 'Leg Press', category: 'legs', primaryMuscle: 'quadriceps', equipment: 'machine' },
  { name: 'Walking Lunge', category: 'legs', primaryMuscle: 'quadriceps', equipment: 'dumbbell' },
  { name: 'Bulgarian Split Squat', category: 'legs', primaryMuscle: 'quadriceps', equipment: 'dumbbell' },
  { name: 'Leg Curl', category: 'legs', primaryMuscle: 'hamstrings', equipment: 'machine' },
  { name: 'Leg Extension', category: 'legs', primaryMuscle: 'quadriceps', equipment: 'machine' },
  { name: 'Hip Thrust', category: 'legs', primaryMuscle: 'glutes', equipment: 'barbell' },
  { name: 'Standing Calf Raise', category: 'legs', primaryMuscle: 'calves', equipment: 'machine' },
  { name: 'Plank', category: 'core', primaryMuscle: 'abdominals', equipment: 'bodyweight' },
  { name: 'Hanging Leg Raise', category: 'core', primaryMuscle: 'abdominals', equipment: 'bodyweight' },
  { name: 'Cable Crunch', category: 'core', primaryMuscle: 'abdominals', equipment: 'cable' },
  { name: 'Ab Wheel Rollout', category: 'core', primaryMuscle: 'abdominals', equipment: 'ab wheel' },
  { name: 'Pallof Press', category: 'core', primaryMuscle: 'obliques', equipment: 'cable' },
  { name: 'Rowing Machine', category: 'cardio', primaryMuscle: 'full body', equipment: 'rower' },
  { name: 'Treadmill Run', category: 'cardio', primaryMuscle: 'full body', equipment: 'treadmill' },
  { name: 'Assault Bike', category: 'cardio', primaryMuscle: 'full body', equipment: 'air bike' },
  { name: 'Jump Rope', category: 'cardio', primaryMuscle: 'calves', equipment: 'rope' },
  { name: 'Kettlebell Swing', category: 'other', primaryMuscle: 'posterior chain', equipment: 'kettlebell' },
];

import { EXERCISE_LIBRARY } from '@coachline/domain/exercise-library';
import type { Tx } from './database';
import { newId } from './ids';
import { exercises } from './schema/index';

/** Gives a new tenant its starting exercise library. */
export async function seedExerciseLibrary(tx: Tx, tenantId: string): Promise<void> {
  await tx.insert(exercises).values(EXERCISE_LIBRARY.map((e) => ({ tenantId, id: newId(), ...e })));
}

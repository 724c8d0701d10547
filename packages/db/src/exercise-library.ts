import { EXERCISE_LIBRARY } from '@coachline/domain/exercise-library';
import type { TenantTx } from './database';
import { newId } from './ids';
import { exercises } from './schema/index';

/** Gives the transaction's (new) tenant its starting exercise library. */
export async function seedExerciseLibrary(tx: TenantTx): Promise<void> {
  const { tenantId } = tx.scope;
  await tx.insert(exercises).values(EXERCISE_LIBRARY.map((e) => ({ tenantId, id: newId(), ...e })));
}

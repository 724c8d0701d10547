import { refreshExerciseDay } from '@coachline/db/analytics-rollups';
import { recordAudit } from '@coachline/db/audit';
import { emit } from '@coachline/db/outbox';
import { afterCommit, type Database, type TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import {
  findSet,
  insertRecords,
  insertSet,
  lockRecordsAndCheckReferences,
  currentBestsOf,
  recordOfSet,
  workoutProgress,
  type WorkoutSetRow,
} from '@coachline/db/workout-sets';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError, ValidationError } from '@coachline/domain/errors';
import { rooms, type PersonalRecordHit } from '@coachline/domain/socket';
import { detectRecords, roundKg, type Progress } from '@coachline/domain/training-rules';
import type { Logger } from '@coachline/runtime/logger';
import type { LazyInput } from '../lazy-input';
import { broadcast, type LiveBroadcast } from '../live-broadcast';
import { workoutFor } from './workout-access';

export interface LogSetInput {
  /** Client-generated id: sending it again returns the stored set and changes nothing. */
  id?: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  rpe?: number;
  plannedSetId?: string;
}

export interface StoredSet {
  id: string;
  exerciseId: string;
  reps: number;
  weightKg: number;
  rpe: number | null;
  plannedSetId: string | null;
  loggedAt: string;
}

/** What the REST route answers and the socket acknowledges. */
export interface LoggedSetResult {
  set: StoredSet;
  progress: Progress;
  personalRecord: PersonalRecordHit | null;
}

export const storedSet = (row: WorkoutSetRow): StoredSet => ({
  id: row.id,
  exerciseId: row.exerciseId,
  reps: row.reps,
  weightKg: row.weightKg,
  rpe: row.rpe,
  plannedSetId: row.plannedSetId,
  loggedAt: row.loggedAt.toISOString(),
});

/**
 * Logs one set: the REST route's and the socket's `set:complete`. The workout
 * row is locked, so sets of one workout are judged one after another, and
 * records are computed and stored with the set they belong to. After commit the
 * workout's room gets `set:completed`; a replayed id changed nothing and
 * announces nothing.
 */
export class LogSetUseCase {
  constructor(
    private readonly db: Database,
    private readonly live: LiveBroadcast,
    private readonly logger: Logger,
  ) {}

  async execute(actor: Actor, workoutId: string, input: LazyInput<LogSetInput>): Promise<LoggedSetResult> {
    return this.db.withTenant(actor, async (tx) => {
      const { replayed, ...result } = await this.log(tx, actor, workoutId, input);
      if (!replayed) afterCommit(tx, () => broadcast(this.live, this.logger, actor, rooms.workout(actor.tenantId, workoutId), 'set:completed', { workoutId, ...result }));
      return result;
    });
  }

  private async log(tx: TenantTx, actor: Actor, workoutId: string, lazyInput: LazyInput<LogSetInput>): Promise<LoggedSetResult & { replayed: boolean }> {
    const workout = await workoutFor(tx, actor, workoutId, 'write', true);
    const input = lazyInput();

    if (input.id) {
      const existing = await findSet(tx, input.id);
      if (existing) {
        if (existing.workoutId !== workoutId) throw new ConflictError('This set id is already used by another workout.');
        return { set: storedSet(existing), progress: await workoutProgress(tx, workoutId), personalRecord: await recordOfSet(tx, existing.id), replayed: true };
      }
    }
    if (workout.status === 'completed') throw new ConflictError('The workout is completed and takes no more sets.');

    const references = await lockRecordsAndCheckReferences(tx, { athleteId: workout.athleteId, workoutId, exerciseId: input.exerciseId, plannedSetId: input.plannedSetId });
    if (!references.exerciseOk) throw new ValidationError('The exercise does not exist.', [{ path: 'exerciseId', message: 'Unknown exercise' }]);
    if (!references.plannedOk) throw new ValidationError('The planned set is not part of this workout.', [{ path: 'plannedSetId', message: 'Not a planned set of this workout' }]);

    const weightKg = roundKg(input.weightKg);
    const prior = await currentBestsOf(tx, workout.athleteId, input.exerciseId, weightKg);
    const row = await insertSet(tx, {
      id: input.id ?? newId(),
      workoutId,
      athleteId: workout.athleteId,
      exerciseId: input.exerciseId,
      plannedSetId: input.plannedSetId ?? null,
      reps: input.reps,
      weightKg,
      rpe: input.rpe ?? null,
    });
    // Only a concurrent insert of the same client id into another workout gets here.
    if (!row) throw new ConflictError('This set id is already used by another workout.');
    await refreshExerciseDay(tx, workout.athleteId, row.exerciseId, row.loggedAt);

    const hits = detectRecords(prior, { reps: row.reps, weightKg: row.weightKg });
    if (hits.length > 0) {
      const records = hits.map((hit) => ({
        id: newId(),
        athleteId: workout.athleteId,
        exerciseId: row.exerciseId,
        kind: hit.kind,
        value: hit.value,
        weightKg: row.weightKg,
        setId: row.id,
        achievedAt: row.loggedAt,
      }));
      await insertRecords(tx, records);
      for (const record of records) {
        await emit(tx, 'personal_record.achieved', { recordId: record.id, athleteId: record.athleteId, workoutId, setId: row.id, exerciseId: row.exerciseId, kind: record.kind, value: record.value });
      }
    }
    await emit(tx, 'workout.set_logged', { setId: row.id, workoutId, athleteId: workout.athleteId, exerciseId: row.exerciseId, loggedAt: row.loggedAt.toISOString() });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: 'workout.set_logged',
      entityType: 'workout_set',
      entityId: row.id,
      summary: { workoutId, exerciseId: row.exerciseId, reps: row.reps, weightKg: row.weightKg },
    });

    const first = hits[0];
    return {
      set: storedSet(row),
      progress: await workoutProgress(tx, workoutId),
      personalRecord: first ? { exerciseId: row.exerciseId, kind: first.kind, value: first.value } : null,
      replayed: false,
    };
  }
}

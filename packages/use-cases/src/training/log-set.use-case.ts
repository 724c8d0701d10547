import { recordAudit } from '@coachline/db/audit';
import { emit } from '@coachline/db/outbox';
import { afterCommit, type Database, type TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { deferRecordInsert, logSetRow, type LoggedSetRow } from '@coachline/db/set-log';
import { findSet, recordOfSet, workoutProgress } from '@coachline/db/workout-sets';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError, ValidationError } from '@coachline/domain/errors';
import { rooms, type PersonalRecordHit } from '@coachline/domain/socket';
import { detectRecords, roundKg, type Progress } from '@coachline/domain/training-rules';
import type { Logger } from '@coachline/runtime/logger';
import type { LazyInput } from '../lazy-input';
import { broadcast, type LiveBroadcast } from '../live-broadcast';
import { assertWorkoutAccess, onlyAthleteFor, workoutFor } from './workout-access';

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

export const storedSet = (row: LoggedSetRow): StoredSet => ({
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
    let input: LogSetInput;
    try {
      input = lazyInput();
    } catch (error) {
      // A missing workout, or another athlete's, answers before the input is judged.
      await workoutFor(tx, actor, workoutId, 'write');
      throw error;
    }

    // Checked, locked with the records and the day's rollup it changes, and inserted when the checks pass: one round trip.
    const target = await logSetRow(
      tx,
      {
        id: input.id ?? newId(),
        workoutId,
        exerciseId: input.exerciseId,
        plannedSetId: input.plannedSetId ?? null,
        reps: input.reps,
        weightKg: roundKg(input.weightKg),
        rpe: input.rpe ?? null,
      },
      onlyAthleteFor(actor, 'write'),
    );
    assertWorkoutAccess(actor, target, 'write');

    if (input.id && target.existingSetWorkoutId) {
      if (target.existingSetWorkoutId !== workoutId) throw new ConflictError('This set id is already used by another workout.');
      const existing = (await findSet(tx, input.id))!;
      return { set: storedSet(existing), progress: await workoutProgress(tx, workoutId), personalRecord: await recordOfSet(tx, existing.id), replayed: true };
    }
    if (target.status === 'completed') throw new ConflictError('The workout is completed and takes no more sets.');
    if (!target.exerciseOk) throw new ValidationError('The exercise does not exist.', [{ path: 'exerciseId', message: 'Unknown exercise' }]);
    if (!target.plannedOk) throw new ValidationError('The planned set is not part of this workout.', [{ path: 'plannedSetId', message: 'Not a planned set of this workout' }]);
    // Only a concurrent insert of the same client id into another workout gets here.
    const { logged } = target;
    if (!logged) throw new ConflictError('This set id is already used by another workout.');
    const { athleteId } = target;
    const row = logged.set;

    // What is left is written with COMMIT, in the same round trip: nothing reads it back before.
    const hits = detectRecords(logged.prior, { reps: row.reps, weightKg: row.weightKg });
    for (const hit of hits) {
      const record = { id: newId(), athleteId, exerciseId: row.exerciseId, kind: hit.kind, value: hit.value, weightKg: row.weightKg, setId: row.id, achievedAt: row.loggedAt };
      deferRecordInsert(tx, record);
      await emit(tx, 'personal_record.achieved', { recordId: record.id, athleteId, workoutId, setId: row.id, exerciseId: row.exerciseId, kind: record.kind, value: record.value });
    }
    await emit(tx, 'workout.set_logged', { setId: row.id, workoutId, athleteId, exerciseId: row.exerciseId, loggedAt: row.loggedAt.toISOString() });
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
      progress: logged.progress,
      personalRecord: first ? { exerciseId: row.exerciseId, kind: first.kind, value: first.value } : null,
      replayed: false,
    };
  }
}

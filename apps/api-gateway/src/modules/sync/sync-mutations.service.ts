import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Database } from '@coachline/db/database';
import { appliedMutation, claimMutation, recordMutationResult } from '@coachline/db/sync-mutations';
import { logFieldsOf, type Actor } from '@coachline/domain/actor';
import {
  bodyMetricAddPayload,
  messageSendPayload,
  setDeletePayload,
  setLogPayload,
  workoutCompletePayload,
  workoutStartPayload,
  type SyncMutationType,
  type syncMutationsBody,
} from '@coachline/domain/api/sync';
import { updateSetBody } from '@coachline/domain/api/training';
import { AppError, ForbiddenError, ValidationError } from '@coachline/domain/errors';
import type { Permission } from '@coachline/domain/roles';
import type { Logger } from '@coachline/runtime/logger';
import type { SendMessageUseCase } from '@coachline/use-cases/messaging/send-message.use-case';
import type { AddBodyMetricUseCase } from '@coachline/use-cases/training/add-body-metric.use-case';
import type { CompleteWorkoutUseCase } from '@coachline/use-cases/training/complete-workout.use-case';
import type { DeleteSetUseCase } from '@coachline/use-cases/training/delete-set.use-case';
import type { LogSetUseCase } from '@coachline/use-cases/training/log-set.use-case';
import type { StartWorkoutUseCase } from '@coachline/use-cases/training/start-workout.use-case';
import type { UpdateSetUseCase } from '@coachline/use-cases/training/update-set.use-case';
import { dependencyFailureOf } from '../../http/dependency-failure';
import { problemOf, type Problem } from '../../http/problem';
import { fieldErrors } from '../../http/route';

type Mutation = z.output<typeof syncMutationsBody>['mutations'][number];

export interface SyncMutationResult {
  clientMutationId: string;
  status: 'applied' | 'duplicate' | 'rejected';
  error?: Problem;
  data?: unknown;
}

/** The use cases the mutations run: the same instances REST calls. */
export interface SyncUseCases {
  startWorkout: StartWorkoutUseCase;
  logSet: LogSetUseCase;
  completeWorkout: CompleteWorkoutUseCase;
  sendMessage: SendMessageUseCase;
  addBodyMetric: AddBodyMetricUseCase;
  updateSet: UpdateSetUseCase;
  deleteSet: DeleteSetUseCase;
}

/** The permission the matching REST route requires. */
const PERMISSION: Record<SyncMutationType, Permission> = {
  'workout.start': 'workout:write',
  'set.log': 'workout:write',
  'set.update': 'workout:write',
  'set.delete': 'workout:write',
  'workout.complete': 'workout:write',
  'message.send': 'message:write',
  'body_metric.add': 'body-metric:write',
};

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const result = schema.safeParse(payload);
  if (!result.success) throw new ValidationError('The payload is invalid.', fieldErrors(result.error));
  return result.data;
}

/** The id a payload names its path's resource by, judged before the rest of it, as a REST path is. */
function pathId(payload: Record<string, unknown>, field: string): string {
  const value = payload[field];
  if (typeof value !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new ValidationError('The payload is invalid.', [{ path: field, message: 'Invalid UUID' }]);
  }
  return value;
}

/** A parsed payload as the use case's body: what the REST path carried is passed apart. */
function withoutPathIds<T extends object, K extends keyof T>(payload: T, ...fields: K[]): Omit<T, K> {
  return Object.fromEntries(Object.entries(payload).filter(([key]) => !fields.includes(key as K))) as Omit<T, K>;
}

/**
 * POST /v1/sync/mutations: each mutation in order, in a transaction of its
 * own that claims its client id, runs the use case REST runs and stores what
 * it answered. A replay finds the claim and changes nothing; a refusal rolls
 * the mutation back, claim included, and the next one runs.
 */
export class SyncMutationsService {
  constructor(
    private readonly db: Database,
    private readonly useCases: SyncUseCases,
    private readonly logger: Logger,
  ) {}

  async apply(actor: Actor, mutations: Mutation[]): Promise<{ results: SyncMutationResult[] }> {
    const results: SyncMutationResult[] = [];
    for (const mutation of mutations) results.push(await this.applyOne(actor, mutation));
    return { results };
  }

  private async applyOne(actor: Actor, mutation: Mutation): Promise<SyncMutationResult> {
    const { clientMutationId } = mutation;
    // A scope of its own, so the use case joins this mutation's unit of work and no other.
    const scope: Actor = { ...actor };
    try {
      return await this.db.unitOfWork(scope, async (tx) => {
        if (!(await claimMutation(tx, actor.userId, clientMutationId, mutation.type))) {
          const applied = await appliedMutation(tx, actor.userId, clientMutationId);
          return { clientMutationId, status: 'duplicate' as const, ...(applied?.result != null ? { data: applied.result } : {}) };
        }
        const data = await this.run(scope, mutation);
        await recordMutationResult(tx, actor.userId, clientMutationId, data ?? null);
        return { clientMutationId, status: 'applied' as const, ...(data !== undefined ? { data } : {}) };
      });
    } catch (error) {
      return { clientMutationId, status: 'rejected', error: this.problem(actor, error) };
    }
  }

  private async run(actor: Actor, { type, payload }: Mutation): Promise<unknown> {
    if (!actor.permissions.includes(PERMISSION[type])) throw new ForbiddenError(`This needs the ${PERMISSION[type]} permission.`);
    switch (type) {
      case 'workout.start':
        return this.useCases.startWorkout.execute(actor, parse(workoutStartPayload, payload));
      case 'set.log':
        return this.useCases.logSet.execute(actor, pathId(payload, 'workoutId'), () => withoutPathIds(parse(setLogPayload, payload), 'workoutId'));
      case 'workout.complete':
        return this.useCases.completeWorkout.execute(actor, parse(workoutCompletePayload, payload).workoutId);
      case 'message.send': {
        const { toUserId, ...input } = parse(messageSendPayload, payload);
        return this.useCases.sendMessage.execute(actor, { toUserId }, () => input);
      }
      case 'body_metric.add':
        return this.useCases.addBodyMetric.execute(actor, parse(bodyMetricAddPayload, payload));
      case 'set.update':
        return this.useCases.updateSet.execute(actor, pathId(payload, 'workoutId'), pathId(payload, 'setId'), () =>
          parse(updateSetBody, withoutPathIds(payload, 'workoutId', 'setId')),
        );
      case 'set.delete': {
        const { workoutId, setId } = parse(setDeletePayload, payload);
        return this.useCases.deleteSet.execute(actor, workoutId, setId);
      }
    }
  }

  /** A refusal as the matching REST call's problem. An outage fails the whole batch, so the client retries it. */
  private problem(actor: Actor, error: unknown): Problem {
    if (error instanceof AppError) {
      return problemOf(error.code, error.message, actor.requestId, error.fieldErrors?.length ? error.fieldErrors : error.code === 'VALIDATION_FAILED' ? [] : undefined);
    }
    if (dependencyFailureOf(error)) throw error;
    const errorId = randomUUID();
    this.logger.error('sync mutation failed', { errorId, ...logFieldsOf(actor), error: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined });
    return { ...problemOf('INTERNAL', `Something went wrong on our side. Quote error id ${errorId}.`, actor.requestId), errorId };
  }
}

import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import { findBodyMetric, insertBodyMetric } from '@coachline/db/workouts';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError } from '@coachline/domain/errors';
import { toBodyMetric } from './workout-view';

export interface BodyMetricInput {
  /** Client-generated id (offline sync): sending it again returns the stored measurement and changes nothing. */
  id?: string;
  weightKg: number;
  bodyFatPct?: number;
  measuredAt: string;
}

/** Records the caller's body weight and body fat: POST /v1/body-metrics and the `body_metric.add` sync mutation. */
export class AddBodyMetricUseCase {
  constructor(private readonly db: Database) {}

  async execute(actor: Actor, input: BodyMetricInput) {
    const row = await this.db.withTenant(actor, async (tx) => {
      if (input.id) {
        const existing = await findBodyMetric(tx, input.id);
        if (existing) {
          if (existing.userId !== actor.userId) throw new ConflictError('This measurement id is already used.');
          return existing;
        }
      }
      const inserted = await insertBodyMetric(tx, { id: input.id ?? newId(), userId: actor.userId, weightKg: input.weightKg, bodyFatPct: input.bodyFatPct ?? null, measuredAt: new Date(input.measuredAt) });
      await emit(tx, 'body_metric.recorded', { bodyMetricId: inserted.id, userId: actor.userId, measuredAt: inserted.measuredAt.toISOString() });
      await recordAudit(tx, { actorId: actor.userId, action: 'body_metric.recorded', entityType: 'body_metric', entityId: inserted.id });
      return inserted;
    });
    return toBodyMetric(row);
  }
}

import type { Database, TenantTx } from '@coachline/db/database';
import type { z } from 'zod';
import type { bodyMetricQuery, progressQuery } from '@coachline/domain/api/training';
import { ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import { canActFor } from '@coachline/use-cases/training/workout-access';
import { toBodyMetric } from '@coachline/use-cases/training/workout-view';
import { dailyE1rm, findMemberRole, listBodyMetrics, standingRecords, weeklyVolume } from './training.repository';

/** An athlete's progress and body metrics: their own, or any athlete's for COACH and ADMIN. Recording one is AddBodyMetricUseCase. */
export class ProgressService {
  constructor(private readonly db: Database) {}

  async progress(actor: Actor, athleteId: string, query: LazyInput<z.output<typeof progressQuery>>) {
    return this.db.withTenant(actor, async (tx) => {
      await assertCanSee(tx, actor, athleteId);
      const { exerciseId } = query();
      const [records, e1rm, volume] = [await standingRecords(tx, athleteId, exerciseId), await dailyE1rm(tx, athleteId, exerciseId), await weeklyVolume(tx, athleteId, exerciseId)];
      return {
        athleteId,
        personalRecords: records.map((r) => ({
          exerciseId: r.exercise_id,
          kind: r.kind,
          value: r.value,
          weightKg: r.weight_kg,
          setId: r.set_id,
          achievedAt: new Date(r.achieved_at).toISOString(),
        })),
        e1rm: e1rm.map((p) => ({ date: p.date, exerciseId: p.exercise_id, value: p.value })),
        weeklyVolumeKg: volume.map((v) => ({ weekStart: v.week_start, value: v.value })),
      };
    });
  }

  async listBodyMetrics(actor: Actor, query: z.output<typeof bodyMetricQuery>) {
    const userId = query.userId ?? actor.userId;
    const rows = await this.db.withTenant(actor, async (tx) => {
      if (userId !== actor.userId) await assertCanSee(tx, actor, userId);
      const cursor = decodeCursor(query.cursor);
      return listBodyMetrics(tx, userId, query.limit, cursor?.at ? { at: new Date(cursor.at), id: cursor.id } : undefined);
    });
    const result = page(rows, query.limit, (row) => ({ id: row.id, at: row.measuredAt.toISOString() }));
    return { items: result.items.map(toBodyMetric), nextCursor: result.nextCursor };
  }
}

/** 404 for someone who is not a member of the tenant, 403 for another athlete. */
async function assertCanSee(tx: TenantTx, actor: Actor, userId: string) {
  if (!(await findMemberRole(tx, userId))) throw new NotFoundError('Member not found.');
  if (!canActFor(actor, userId, 'read')) throw new ForbiddenError('Athletes see only their own progress.');
}

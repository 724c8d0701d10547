import type { Database, TenantTx } from '@coachline/db/database';
import type { z } from 'zod';
import type { bodyMetricQuery, progressQuery } from '@coachline/domain/api/training';
import { analyticsWindow, isoWeekStart, PROGRESS_WINDOW_DAYS } from '@coachline/domain/analytics';
import { ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import { roundKg } from '@coachline/domain/training-rules';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import { canActFor } from '@coachline/use-cases/training/workout-access';
import { toBodyMetric } from '@coachline/use-cases/training/workout-view';
import { findMemberRole, listBodyMetrics, progressRows } from './training.repository';

/** An athlete's progress and body metrics: their own, or any athlete's for COACH and ADMIN. Recording one is AddBodyMetricUseCase. */
export class ProgressService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The standing records and, for one window of days (see progressQuery), the daily e1RM and weekly volume. */
  async progress(actor: Actor, athleteId: string, query: LazyInput<z.output<typeof progressQuery>>) {
    return this.db.withTenant(actor, async (tx) => {
      await assertCanSee(tx, actor, athleteId);
      const input = query();
      const window = analyticsWindow(input, this.now(), PROGRESS_WINDOW_DAYS);
      const { records, days } = await progressRows(tx, athleteId, window, input.exerciseId);
      const weekly = new Map<string, number>();
      for (const day of days) {
        const week = isoWeekStart(day.day);
        weekly.set(week, (weekly.get(week) ?? 0) + day.volume);
      }
      return {
        athleteId,
        ...window,
        personalRecords: records.map((r) => ({
          exerciseId: r.exercise_id,
          kind: r.kind,
          value: r.value,
          weightKg: r.weight_kg,
          setId: r.set_id,
          achievedAt: new Date(r.achieved_at).toISOString(),
        })),
        e1rm: days.map((d) => ({ date: d.day, exerciseId: d.exercise_id, value: d.e1rm })),
        weeklyVolumeKg: [...weekly].map(([weekStart, value]) => ({ weekStart, value: roundKg(value) })),
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

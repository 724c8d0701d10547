import type { Database, TenantTx } from '@coachline/db/database';
import type { Actor } from '@coachline/domain/actor';
import { analyticsWindow } from '@coachline/domain/analytics';
import type { analyticsQuery } from '@coachline/domain/api/analytics';
import { ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import { roundKg } from '@coachline/domain/training-rules';
import type { AnalyticsCache } from '@coachline/runtime/analytics-cache';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import { canActFor } from '@coachline/use-cases/training/workout-access';
import type { z } from 'zod';
import { findMemberRole } from '../training/training.repository';
import { athleteRollupTotals, bodyWeightEnds, plannedWorkouts, tenantFigures, type Window } from './analytics.repository';

/**
 * Per-athlete and per-tenant analytics, computed from the daily rollups the
 * analytics consumer keeps, behind the Redis cache the same events invalidate.
 * Access is checked on every request, before the cache is consulted.
 */
export class AnalyticsService {
  constructor(
    private readonly db: Database,
    private readonly cache: AnalyticsCache,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async athlete(actor: Actor, athleteId: string, query: LazyInput<z.output<typeof analyticsQuery>>) {
    const window = await this.db.readAsTenant(actor, async (tx) => {
      // 404 for someone who is not a member of the tenant, 403 for another athlete (as progress does).
      if (!(await findMemberRole(tx, athleteId))) throw new NotFoundError('Member not found.');
      if (!canActFor(actor, athleteId, 'read')) throw new ForbiddenError("Athletes see only their own analytics.");
      return analyticsWindow(query(), this.now());
    });
    return this.cache.get(actor.tenantId, { kind: 'athlete', athleteId }, `${window.from}:${window.to}`, () =>
      this.db.withTenant(actor, (tx) => athleteAnalytics(tx, athleteId, window)),
    );
  }

  async tenant(actor: Actor, query: z.output<typeof analyticsQuery>) {
    const window = analyticsWindow(query, this.now());
    return this.cache.get(actor.tenantId, { kind: 'tenant' }, `${window.from}:${window.to}`, () =>
      this.db.withTenant(actor, async (tx) => {
        const figures = await tenantFigures(tx, window);
        return { ...window, activeAthletes: figures.active, workoutsCompleted: figures.completed, sessionsBooked: figures.sessions, revenueCents: Math.round(figures.revenue) };
      }),
    );
  }
}

async function athleteAnalytics(tx: TenantTx, athleteId: string, window: Window) {
  const totals = await athleteRollupTotals(tx, athleteId, window);
  const planned = await plannedWorkouts(tx, athleteId, window);
  const weight = await bodyWeightEnds(tx, athleteId, window);
  const basis = planned > 0 ? planned : totals.started;
  return {
    athleteId,
    ...window,
    workouts: { total: totals.started, completed: totals.completed },
    adherencePct: basis > 0 ? Math.min(100, Math.round((100 * totals.completed) / basis)) : 0,
    sets: totals.sets,
    volumeKg: roundKg(totals.volume),
    durationSeconds: totals.duration,
    caloriesEstimate: Math.round(totals.calories),
    personalRecords: totals.records,
    bodyWeight:
      weight.start_kg === null || weight.end_kg === null ? null : { startKg: weight.start_kg, endKg: weight.end_kg, changeKg: roundKg(weight.end_kg - weight.start_kg) },
  };
}

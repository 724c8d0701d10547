import { refreshAthleteDay, utcDay } from '@coachline/db/analytics-rollups';
import type { Database } from '@coachline/db/database';
import { processOnce } from '@coachline/db/processed-events';
import { scopeOf, type EventEnvelope } from '@coachline/domain/events';
import { invalidateAnalytics } from '@coachline/runtime/analytics-cache';
import type { Logger } from '@coachline/runtime/logger';
import type { Redis } from '@coachline/runtime/redis';
import type { TriageDetector } from './triage-detector';

/** The consumer's name in processed_events: its queue's, so the relay's reconciler finds its records. */
const CONSUMER = 'analytics';

/**
 * Keeps the daily rollups and the analytics cache in step with the events:
 * the athlete-days an event touches are recomputed once per event, then the
 * cached answers of the athlete and the tenant are invalidated (also on a
 * redelivery: an earlier attempt may have committed and lost Redis). The
 * athlete's triage items that are new are announced in the same transaction.
 */
export class RollupService {
  constructor(
    private readonly db: Database,
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly triage: TriageDetector,
  ) {}

  async refresh(event: Pick<EventEnvelope, 'id' | 'tenantId' | 'requestId' | 'traceparent'>, athleteId: string, instants: readonly string[]): Promise<{ days: string[] }> {
    const days = [...new Set(instants.map(utcDay))].sort();
    await this.db.withTenant(scopeOf(event), (tx) =>
      processOnce(tx, event.id, CONSUMER, async () => {
        for (const day of days) await refreshAthleteDay(tx, athleteId, day);
        // The athlete's new triage items are announced with the change that brought them.
        await this.triage.detect(tx, athleteId);
      }),
    );
    await this.invalidate(event.tenantId, athleteId);
    return { days };
  }

  /** For events that change tenant figures (sessions, revenue) but no rollup. */
  async invalidate(tenantId: string, athleteId?: string): Promise<void> {
    try {
      await invalidateAnalytics(this.redis, tenantId, athleteId);
    } catch (error) {
      // Retried by BullMQ: a cached answer must not outlive the change by more than the TTL.
      this.logger.warn('analytics invalidation failed', { tenantId, error: (error as Error).message });
      throw error;
    }
  }
}

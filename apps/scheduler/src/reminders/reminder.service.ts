import type { Database } from '@coachline/db/database';
import { processOnce } from '@coachline/db/processed-events';
import type { TenantScope } from '@coachline/domain/actor';
import type { TypedQueue } from '@coachline/runtime/queues';
import { findScheduledSession, upcomingSessionsPage, type ScheduledSession } from './reminder.repository';

const MINUTE = 60_000;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Deterministic, so a re-delivered event cannot add a second reminder and a cancellation can find it. */
export function reminderJobId(sessionId: string, offsetMinutes: number): string {
  return `session-reminder.${sessionId}.${offsetMinutes}m`;
}

/** The consumer name recorded in processed_events: the relay's reconciler checks the queue's name. */
const CONSUMER = 'reminders';

/**
 * Session reminders are delayed `session.reminder` jobs on the notifications
 * queue: they live in Redis, so they outlive every process, and the
 * notifications worker turns each into notifications for coach and athlete.
 */
export class ReminderService {
  constructor(
    private readonly db: Database,
    private readonly notifications: TypedQueue<'notifications'>,
    /** Largest first, in minutes before the start. */
    private readonly offsetsMinutes: readonly number[],
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Adds the reminders of a session that is still scheduled, then reads its
   * status again: if a cancellation committed meanwhile (its event may even
   * have been handled first), the reminders just added are removed.
   */
  async scheduleIfActive(scope: TenantScope, sessionId: string): Promise<number> {
    const session = await this.db.withTenant(scope, (tx) => findScheduledSession(tx, sessionId));
    if (!session) return 0;
    const added = await this.add(session, scope);
    const still = await this.db.withTenant(scope, (tx) => findScheduledSession(tx, sessionId));
    if (!still || still.startsAt.getTime() !== session.startsAt.getTime()) {
      await this.cancel(sessionId);
      return 0;
    }
    return added;
  }

  /** Removes every pending reminder of the session; returns how many were removed. */
  async cancel(sessionId: string): Promise<number> {
    let removed = 0;
    for (const offset of this.offsetsMinutes) removed += await this.notifications.queue.remove(reminderJobId(sessionId, offset));
    return removed;
  }

  /**
   * Re-creates the reminders of every future scheduled session, in pages.
   * Job ids make it a no-op for reminders that exist; it restores those lost
   * with a Redis that was flushed or restored from an old snapshot.
   */
  async sweep(options: { pageSize?: number; stopped?: () => boolean } = {}): Promise<number> {
    const pageSize = options.pageSize ?? 500;
    let after = { startsAt: new Date(this.now()), tenantId: NIL_UUID, sessionId: NIL_UUID };
    let total = 0;
    while (!options.stopped?.()) {
      // Spans every tenant: the sweep restores reminders for all of them.
      const page = await this.db.withSystem((tx) => upcomingSessionsPage(tx, after, pageSize));
      for (const session of page) total += await this.add(session, { tenantId: session.tenantId });
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) return total;
      after = { startsAt: last.startsAt, tenantId: last.tenantId, sessionId: last.sessionId };
    }
    return total;
  }

  /**
   * Records a session event as handled once its reminders are in Redis (they
   * are not in the database's transaction, but their ids make a repeat harmless).
   */
  async recordHandled(scope: TenantScope, eventId: string): Promise<void> {
    await this.db.withTenant(scope, (tx) => processOnce(tx, eventId, CONSUMER, async () => undefined));
  }

  private async add(session: ScheduledSession, scope: TenantScope): Promise<number> {
    let added = 0;
    for (const offsetMinutes of this.offsetsMinutes) {
      const delay = session.startsAt.getTime() - offsetMinutes * MINUTE - this.now();
      // A reminder whose moment has passed (a session booked at short notice) is not sent late.
      if (delay <= 0) continue;
      await this.notifications.add(
        'session.reminder',
        { tenantId: session.tenantId, sessionId: session.sessionId, offsetMinutes, requestId: scope.requestId, traceparent: scope.traceparent },
        { jobId: reminderJobId(session.sessionId, offsetMinutes), delay },
      );
      added++;
    }
    return added;
  }
}

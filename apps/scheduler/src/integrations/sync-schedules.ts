import { createHash } from 'node:crypto';
import type { TenantScope } from '@coachline/domain/actor';
import type { TypedQueue } from '@coachline/runtime/queues';

/** A connection's job scheduler id: one schedule per connection however often it is upserted. */
export const syncSchedulerId = (connectionId: string) => `integration-sync-${connectionId}`;

/**
 * Where in each period a connection syncs: a fixed offset from its id, so the
 * connections spread over the period instead of all calling the provider at
 * the quarter hour, and a connection keeps its slot across upserts.
 */
export function syncOffsetMs(connectionId: string, everyMs: number): number {
  return createHash('sha256').update(connectionId).digest().readUInt32BE(0) % everyMs;
}

/** The recurring syncs of active connections, on BullMQ job schedulers. */
export class SyncSchedules {
  constructor(
    private readonly queue: TypedQueue<'integrations'>,
    private readonly everyMs: number,
  ) {}

  async start(scope: TenantScope, connectionId: string): Promise<void> {
    await this.queue.queue.upsertJobScheduler(
      syncSchedulerId(connectionId),
      { every: this.everyMs, offset: syncOffsetMs(connectionId, this.everyMs) },
      { name: 'sync', data: { tenantId: scope.tenantId, connectionId, reason: 'schedule' } },
    );
  }

  async stop(connectionId: string): Promise<void> {
    await this.queue.queue.removeJobScheduler(syncSchedulerId(connectionId));
  }

  /** Runs a sync now; the id makes a redelivered cause add it once. */
  async now(scope: TenantScope, connectionId: string, reason: 'connect' | 'manual' | 'push', causeId: string): Promise<void> {
    await this.queue.add('sync', { tenantId: scope.tenantId, connectionId, reason, requestId: scope.requestId, traceparent: scope.traceparent }, { jobId: `sync_${causeId}` });
  }

  /** Puts a sync off until the provider can take it (its budget frees, its breaker lets a call through). */
  async later(scope: TenantScope, connectionId: string, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - Date.now());
    await this.queue.add('sync', { tenantId: scope.tenantId, connectionId, reason: 'deferred' }, { jobId: `sync-deferred_${connectionId}_${at.getTime()}`, delay });
  }
}

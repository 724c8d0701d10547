import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '@coachline/db/database';
import { eventsRoutedTo } from '@coachline/domain/events';
import { QUEUE_NAMES, type QueueName } from '@coachline/domain/queues';
import type { Logger } from '@coachline/runtime/logger';
import { addEvents } from '@coachline/runtime/queues';
import { eventJobId } from './job-id';
import { claimUnprocessed, markPublished, toEnvelope, type OutboxRow, type TenantFilter } from './outbox.repository';
import type { RelayMetrics } from './relay.metrics';
import { gatedByWebhookEndpoint } from './webhook-routing';

export interface OutboxReconcilerDeps {
  db: Database;
  redis: Redis;
  queues: Record<QueueName, Queue>;
  metrics: RelayMetrics;
  logger: Logger;
  /** Re-publish an event when its consumer has not recorded it this long after publishing. */
  afterSeconds: number;
  /** Events older than this are left alone. */
  horizonSeconds?: number;
  /** Publishes in all (the relay's first one included) before an event is given up on. */
  maxAttempts?: number;
  intervalMs?: number;
  batchSize?: number;
  scope?: TenantFilter;
}

/** Job states meaning the last job is still alive in Redis: it will run, or it is in the dead-letter set for operators. */
const ALIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed']);

/**
 * Redis can lose jobs (failover, flush, a full restart without persistence).
 * A consumer records every event it handles in processed_events under its
 * queue's name, so an event published long ago with no such record and no
 * job left in Redis is re-published, under a new job id (the old one may be
 * remembered as completed). Consumers are idempotent, so a re-publish at worst
 * repeats a no-op.
 */
export function createOutboxReconciler(deps: OutboxReconcilerDeps) {
  const horizonSeconds = deps.horizonSeconds ?? 24 * 3600;
  const maxAttempts = deps.maxAttempts ?? 5;
  const batchSize = deps.batchSize ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function stillInRedis(queue: Queue, queueName: QueueName, row: OutboxRow): Promise<boolean> {
    for (let attempt = 0; attempt < row.publish_attempts; attempt++) {
      const state = await queue.getJobState(eventJobId(row.id, queueName, attempt));
      if (ALIVE.has(state)) return true;
    }
    return false;
  }

  async function reconcileQueue(queueName: QueueName): Promise<number> {
    const types = eventsRoutedTo(queueName);
    if (types.length === 0) return 0;
    const queue = deps.queues[queueName];
    // Looks across every tenant's outbox and processed_events: the system role.
    return deps.db.withSystem(async (tx) => {
      const rows = await claimUnprocessed(tx, {
        types,
        consumer: queueName,
        afterSeconds: deps.afterSeconds,
        horizonSeconds,
        maxAttempts,
        limit: batchSize,
        onlyWithWebhookEndpoint: gatedByWebhookEndpoint(queueName),
        scope: deps.scope,
      });
      const lost: OutboxRow[] = [];
      for (const row of rows) if (!(await stillInRedis(queue, queueName, row))) lost.push(row);
      if (lost.length === 0) return 0;
      await addEvents(queue, lost.map((row) => ({ envelope: toEnvelope(row), jobId: eventJobId(row.id, queueName, row.publish_attempts) })));
      await markPublished(tx, lost);
      deps.metrics.republished.inc({ queue: queueName }, lost.length);
      deps.logger.warn('re-published events that were never processed', { queue: queueName, count: lost.length });
      return lost.length;
    });
  }

  /** One pass over every queue; returns how many jobs were re-published. */
  function reconcile(): Promise<number> {
    if (running) return running;
    running = (async () => {
      if (deps.redis.status !== 'ready') return 0;
      let total = 0;
      for (const queue of QUEUE_NAMES) total += await reconcileQueue(queue);
      return total;
    })()
      .catch((error: unknown) => {
        deps.logger.warn('outbox reconciliation failed, will retry', { error: (error as Error).message });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    reconcile,
    start() {
      timer = setInterval(() => void reconcile(), deps.intervalMs ?? 60_000);
    },
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}

export type OutboxReconciler = ReturnType<typeof createOutboxReconciler>;

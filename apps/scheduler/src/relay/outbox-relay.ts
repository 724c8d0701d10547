import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '@coachline/db/database';
import { EVENTS, queuesFor, type EventType } from '@coachline/domain/events';
import { QUEUE_NAMES, type QueueName } from '@coachline/domain/queues';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import { addEvents, DEFAULT_JOB_OPTIONS } from '@coachline/runtime/queues';
import { eventJobId } from './job-id';
import { listenForOutbox } from './outbox-listener';
import { claimForPublishing, toEnvelope, type ClaimedRow, type TenantFilter } from './outbox.repository';
import { createRelayMetrics, type RelayMetrics } from './relay.metrics';
import { needsJob } from './webhook-routing';

export interface OutboxRelayDeps {
  db: Database;
  /** The BullMQ connection (`maxRetriesPerRequest: null`); the relay checks it is ready before claiming. */
  redis: Redis;
  prefix: string;
  /** Connection string for LISTEN; the system role's, since the outbox spans tenants. */
  listenUrl: string;
  logger: Logger;
  registry: MetricsRegistry;
  batchSize?: number;
  /** The fallback poll: NOTIFY is lost while the listener is disconnected. */
  pollIntervalMs?: number;
  /** A batch whose publishing takes longer is rolled back and retried; its jobs are deduplicated by id. */
  publishTimeoutMs?: number;
  scope?: TenantFilter;
}

export interface OutboxRelay {
  start(): void;
  /** Publishes until the outbox is empty (tests and the first tick use it). */
  drain(): Promise<number>;
  close(): Promise<void>;
  readonly queues: Record<QueueName, Queue>;
  readonly metrics: RelayMetrics;
}

export class PublishTimeoutError extends Error {}

export function createQueues(redis: ConnectionOptions, prefix: string): Record<QueueName, Queue> {
  return Object.fromEntries(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS })])) as Record<QueueName, Queue>;
}

/**
 * Outbox -> queues. Claims a batch with FOR UPDATE SKIP LOCKED and marks it
 * published, uncommitted, in one statement; adds one job per subscribing queue
 * with work to do (webhook-routing says which), its id derived from the event,
 * so a relay that dies after adding but before committing causes no duplicate
 * job; then commits.
 */
export function createOutboxRelay(deps: OutboxRelayDeps): OutboxRelay {
  const batchSize = deps.batchSize ?? 500;
  const pollIntervalMs = deps.pollIntervalMs ?? 2_000;
  const publishTimeoutMs = deps.publishTimeoutMs ?? 10_000;
  const queues = createQueues(deps.redis, deps.prefix);
  const metrics = createRelayMetrics(deps.registry, deps.db);
  let running: Promise<number> | undefined;
  let again = false;
  let closed = false;
  let poll: NodeJS.Timeout | undefined;
  let listener: { close: () => Promise<void> } | undefined;

  async function publish(rows: ClaimedRow[]): Promise<void> {
    const perQueue = new Map<QueueName, ClaimedRow[]>();
    for (const row of rows) {
      if (!(row.type in EVENTS)) {
        deps.logger.error('outbox event of unknown type, marked published without jobs', { eventId: row.id, type: row.type });
        continue;
      }
      for (const queue of queuesFor(row.type as EventType)) {
        if (!needsJob(queue, row.type, row.had_webhook_endpoint)) continue;
        const list = perQueue.get(queue) ?? [];
        list.push(row);
        perQueue.set(queue, list);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError('publishing to Redis timed out')), publishTimeoutMs);
    });
    try {
      await Promise.race([
        Promise.all(
          [...perQueue].map(async ([queue, list]) => {
            await addEvents(queues[queue], list.map((row) => ({ envelope: toEnvelope(row), jobId: eventJobId(row.id, queue) })));
            metrics.published.inc({ queue }, list.length);
          }),
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One batch; returns how many events it published. */
  async function tick(): Promise<number> {
    if (deps.redis.status !== 'ready') return 0;
    const end = metrics.batchSeconds.startTimer();
    // The outbox holds every tenant's events: claiming them needs the system role.
    const count = await deps.db.withSystem(async (tx) => {
      // Marked published in this transaction: if publishing fails, the rollback unmarks them.
      const rows = await claimForPublishing(tx, batchSize, deps.scope);
      if (rows.length === 0) return 0;
      await publish(rows);
      return rows.length;
    });
    if (count > 0) end();
    return count;
  }

  async function loop(): Promise<number> {
    let total = 0;
    do {
      again = false;
      for (;;) {
        const count = await tick();
        total += count;
        if (count < batchSize || closed) break;
      }
    } while (again && !closed);
    return total;
  }

  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = loop()
      .catch((error: unknown) => {
        deps.logger.warn('outbox relay batch failed, will retry', { error: (error as Error).message });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    queues,
    metrics,
    drain,
    start() {
      listener = listenForOutbox({ url: deps.listenUrl, logger: deps.logger, onNotify: () => void drain() });
      poll = setInterval(() => void drain(), pollIntervalMs);
    },
    async close() {
      closed = true;
      clearInterval(poll);
      await listener?.close();
      await running;
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}

import type { Redis } from 'ioredis';
import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import type { Config } from '../config';
import { createOutboxReconciler } from './outbox-reconciler';
import { createOutboxRelay } from './outbox-relay';

/** The relay and its reconciler, configured from the scheduler's settings. */
export function startRelay(config: Config, deps: { db: Database; redis: Redis; logger: Logger; registry: MetricsRegistry }) {
  const relay = createOutboxRelay({
    ...deps,
    prefix: config.QUEUE_PREFIX,
    listenUrl: config.DATABASE_SYSTEM_URL ?? config.DATABASE_URL,
    batchSize: config.OUTBOX_BATCH_SIZE,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
  });
  const reconciler = createOutboxReconciler({
    ...deps,
    queues: relay.queues,
    metrics: relay.metrics,
    afterSeconds: config.OUTBOX_RECONCILE_AFTER_SECONDS,
    intervalMs: config.OUTBOX_RECONCILE_INTERVAL_MS,
    maxAttempts: config.OUTBOX_MAX_PUBLISH_ATTEMPTS,
  });
  relay.start();
  reconciler.start();
  return {
    async close() {
      await reconciler.close();
      await relay.close();
    },
  };
}

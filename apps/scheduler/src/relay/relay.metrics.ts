import type { Database } from '@coachline/db/database';
import { prometheus, type MetricsRegistry } from '@coachline/runtime/metrics';
import { pendingStats } from './outbox.repository';

export interface RelayMetrics {
  published: prometheus.Counter<'queue'>;
  republished: prometheus.Counter<'queue'>;
  batchSeconds: prometheus.Histogram;
}

/**
 * Lag and pending count are read from the outbox when scraped, so they are
 * right whichever relay published last; throughput is a counter per process.
 */
export function createRelayMetrics(registry: MetricsRegistry, db: Database): RelayMetrics {
  let last: Promise<{ pending: number; lagSeconds: number }> | undefined;
  // Both gauges are collected in one scrape: share one query.
  const stats = () => {
    last ??= db
      // The outbox spans every tenant.
      .withSystem((tx) => pendingStats(tx))
      .finally(() => setTimeout(() => (last = undefined), 100).unref());
    return last;
  };
  new prometheus.Gauge({
    name: 'outbox_lag_seconds',
    help: 'Age of the oldest unpublished outbox event',
    registers: [registry],
    async collect() {
      this.set((await stats()).lagSeconds);
    },
  });
  new prometheus.Gauge({
    name: 'outbox_pending_events',
    help: 'Outbox events not yet published',
    registers: [registry],
    async collect() {
      this.set((await stats()).pending);
    },
  });
  return {
    published: new prometheus.Counter({ name: 'outbox_published_jobs_total', help: 'Jobs added to queues by the relay', labelNames: ['queue'], registers: [registry] }),
    republished: new prometheus.Counter({ name: 'outbox_republished_jobs_total', help: 'Jobs re-added by the reconciler for events not processed in time', labelNames: ['queue'], registers: [registry] }),
    batchSeconds: new prometheus.Histogram({ name: 'outbox_relay_batch_seconds', help: 'Time to claim, publish and mark one batch', registers: [registry], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] }),
  };
}

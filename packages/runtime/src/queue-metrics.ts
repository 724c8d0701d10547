import type { Queue } from 'bullmq';
import { prometheus, type MetricsRegistry } from './metrics';

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

/**
 * Exports each queue's job counts by state, read from Redis at scrape time, so
 * the numbers are the queues' own rather than one process's view of them.
 * A scrape during a Redis outage leaves the gauge out instead of failing /metrics.
 */
export function exportQueueDepths(registry: MetricsRegistry, queues: readonly Queue[]) {
  return new prometheus.Gauge({
    name: 'bullmq_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, failed, ...)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (queue) => {
          const counts = await queue.getJobCounts(...DEPTH_STATES).catch(() => undefined);
          if (!counts) return;
          for (const state of DEPTH_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }),
      );
    },
  });
}

/**
 * What a worker's jobs came to, by queue: `completed`, `retried` (failed with
 * attempts left) or `failed` (in the dead-letter set for good). One counter per
 * registry, shared by every queue a process consumes.
 */
export function jobOutcomes(registry: MetricsRegistry): prometheus.Counter<'queue' | 'outcome'> {
  const name = 'queue_jobs_processed_total';
  return (
    (registry.getSingleMetric(name) as prometheus.Counter<'queue' | 'outcome'> | undefined) ??
    new prometheus.Counter({ name, help: 'Jobs a worker finished, by queue and outcome (completed, retried, failed)', labelNames: ['queue', 'outcome'], registers: [registry] })
  );
}

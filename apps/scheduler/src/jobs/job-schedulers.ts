import type { Queue } from 'bullmq';
import type { JobName } from '@coachline/domain/queues';

export interface RecurringJob {
  name: JobName<'maintenance'>;
  /** Five-field cron. */
  pattern: string;
}

/**
 * Upserts one BullMQ job scheduler per recurring job. Scheduler ids are the
 * job names, so every scheduler process upserts the same ones and BullMQ
 * produces exactly one job per tick however many processes run.
 */
export async function upsertRecurringJobs(maintenance: Queue, jobs: readonly RecurringJob[], tz: string): Promise<void> {
  for (const job of jobs) {
    await maintenance.upsertJobScheduler(job.name, { pattern: job.pattern, tz }, { name: job.name, data: {} });
  }
}

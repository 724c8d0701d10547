import type { JobName } from '@coachline/domain/queues';
import type { TypedQueue } from '@coachline/runtime/queues';

export interface RecurringJob {
  name: JobName<'maintenance'>;
  /** Five-field cron. */
  pattern: string;
}

/** Upserts one BullMQ job scheduler per recurring maintenance job; any number of scheduler processes may. */
export async function upsertRecurringJobs(maintenance: TypedQueue<'maintenance'>, jobs: readonly RecurringJob[], tz: string): Promise<void> {
  for (const job of jobs) await maintenance.repeat(job.name, {}, { pattern: job.pattern, tz });
}

import type { Queue } from 'bullmq';

/**
 * Moves every job of the failed set (the dead-letter queue) back to waiting,
 * oldest first, keeping its id and payload; returns how many were replayed.
 * Consumers are idempotent, so replaying a job whose effect half happened is safe.
 */
export async function replayFailed(queue: Queue, options: { pageSize?: number } = {}): Promise<number> {
  const pageSize = options.pageSize ?? 500;
  let replayed = 0;
  for (;;) {
    const jobs = await queue.getFailed(0, pageSize - 1);
    if (jobs.length === 0) return replayed;
    for (const job of jobs) {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      replayed++;
    }
  }
}

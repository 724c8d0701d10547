import type { Job, Queue } from 'bullmq';

/**
 * Moves every job of the failed set (the dead-letter queue) back to waiting,
 * keeping its id and payload; returns how many were replayed. The set is read
 * in full first, so a job that fails again while this runs is not replayed in
 * a loop. Consumers are idempotent, so replaying a job whose effect half
 * happened is safe.
 */
export async function replayFailed(queue: Queue, options: { pageSize?: number } = {}): Promise<number> {
  const pageSize = options.pageSize ?? 500;
  const jobs: Job[] = [];
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getFailed(start, start + pageSize - 1);
    jobs.push(...page);
    if (page.length < pageSize) break;
  }
  let replayed = 0;
  for (const job of jobs) {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    replayed++;
  }
  return replayed;
}

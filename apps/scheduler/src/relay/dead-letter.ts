import type { Job, Queue } from 'bullmq';

/**
 * Moves every job of the failed set (the dead-letter queue) back to waiting,
 * keeping its id and payload; returns how many were replayed. The set is read
 * whole before anything moves, so a replayed job that fails again while this
 * runs is not replayed twice. Consumers are idempotent, so replaying a job whose
 * effect half happened is safe.
 */
export async function replayFailed(queue: Queue, options: { pageSize?: number } = {}): Promise<number> {
  const pageSize = options.pageSize ?? 500;
  const failed: Job[] = [];
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getFailed(start, start + pageSize - 1);
    failed.push(...page);
    if (page.length < pageSize) break;
  }
  let replayed = 0;
  for (const job of failed) {
    // A job retried or removed meanwhile (by another operator) is skipped.
    if ((await job.getState()) !== 'failed') continue;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    replayed++;
  }
  return replayed;
}

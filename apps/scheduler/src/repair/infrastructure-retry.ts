import type { Job, Queue } from 'bullmq';
import type { Redis } from '@coachline/runtime/redis';

/**
 * Failure reasons that say a dependency was unreachable (Postgres, Redis, the
 * network), not that the job itself is wrong: pg and ioredis connection errors,
 * Postgres refusing connections while it starts or stops, the pool timing out.
 */
const INFRASTRUCTURE_FAILURE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Connection terminated|Connection is closed|connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Reached the max retries per request limit|Stream isn't writeable/i;

export function isInfrastructureFailure(reason: string | undefined): boolean {
  return reason !== undefined && INFRASTRUCTURE_FAILURE.test(reason);
}

export interface InfrastructureRetryOptions {
  /** Jobs moved back per run, over every queue. */
  maxPerRun?: number;
  /** Times one job is given back its attempts; a job failing on every outage is left to an operator after that. */
  maxRetriesPerJob?: number;
}

/**
 * Gives jobs that exhausted their attempts during an outage their attempts back:
 * with Postgres down for minutes, every job's backoff runs out, and the failed
 * set is otherwise only replayed by an operator. Runs only once the sweep itself
 * reached Redis and Postgres, so the outage is over. Bounded per run and per job
 * (a counter in Redis), so a job that fails the same way on every outage does not
 * loop; consumers are idempotent, so a retried job repeats no effect.
 */
export async function retryInfrastructureFailures(queues: readonly Queue[], redis: Redis, options: InfrastructureRetryOptions = {}): Promise<number> {
  const maxPerRun = options.maxPerRun ?? 500;
  const maxRetriesPerJob = options.maxRetriesPerJob ?? 5;
  let retried = 0;
  for (const queue of queues) {
    for (let start = 0; retried < maxPerRun; start += 200) {
      const page: Job[] = await queue.getFailed(start, start + 199);
      for (const job of page) {
        if (retried >= maxPerRun) break;
        if (!isInfrastructureFailure(job.failedReason)) continue;
        const counter = `${queue.opts.prefix ?? 'bull'}:${queue.name}:infra-retries:${job.id ?? ''}`;
        const count = await redis.incr(counter);
        await redis.expire(counter, 7 * 86_400);
        if (count > maxRetriesPerJob) continue;
        // Retried or removed meanwhile (another scheduler process, an operator).
        if ((await job.getState()) !== 'failed') continue;
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        retried++;
      }
      if (page.length < 200) break;
    }
  }
  return retried;
}

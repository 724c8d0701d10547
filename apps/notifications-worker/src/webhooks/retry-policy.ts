/** How long and how often a failing delivery is retried, and when its endpoint is given up on. */
export interface RetryPolicy {
  /** Delay before the first retry; each later one doubles, up to `maxRetryDelayMs`. */
  firstRetryMs: number;
  maxRetryDelayMs: number;
  /** A delivery is retried this long after its creation or redelivery; the last attempt falls at the window's end. */
  retryWindowMs: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs: number;
}

/**
 * When to try a delivery again after `attempts` attempts, all failed, or null
 * once its retry window is over. Exponential with ±25 % jitter, so deliveries
 * that failed together do not all come back at once.
 */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, windowStartedAt: Date, now: Date, random: () => number = Math.random): Date | null {
  const end = windowStartedAt.getTime() + policy.retryWindowMs;
  if (now.getTime() >= end) return null;
  const base = Math.min(policy.maxRetryDelayMs, policy.firstRetryMs * 2 ** Math.max(0, attempts - 1));
  const delay = Math.round(base * (0.75 + random() * 0.5));
  return new Date(Math.min(end, now.getTime() + delay));
}

/** Whether an endpoint failing since `failingSince` has failed for long enough to be disabled. */
export function failedForTooLong(policy: RetryPolicy, failingSince: Date, now: Date): boolean {
  return now.getTime() - failingSince.getTime() >= policy.disableAfterMs;
}

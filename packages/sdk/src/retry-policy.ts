export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First backoff; each later one doubles, with full jitter. */
  baseDelayMs: number;
  /** No wait is longer, whatever Retry-After says. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000 };

/**
 * Statuses worth another try with the same request: rate limited, and the
 * gateway or a dependency briefly down (a 409 is retried only when its code
 * says the same Idempotency-Key is still running). Anything else is the
 * caller's to handle.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** The wait before attempt `attempt + 1`: the server's Retry-After when it gave one, else jittered exponential backoff. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(policy.maxDelayMs, retryAfterSeconds * 1000);
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

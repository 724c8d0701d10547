import CircuitBreaker from 'opossum';
import type { Logger } from './logger';

/**
 * Wraps a delivery call: after repeated failures the breaker opens and calls
 * fail fast for a while, so a dead SMTP server or push service does not hold
 * every worker slot; the job fails and BullMQ retries it later with backoff.
 */
export function withBreaker<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => Promise<R>,
  /** `isFailure`: whether an error says the destination is unwell (a refused URL says nothing about it). */
  options: { timeoutMs: number; logger: Logger; isFailure?: (error: unknown) => boolean; resetTimeoutMs?: number },
): ((...args: A) => Promise<R>) & { shutdown(): void; isOpen(): boolean } {
  const isFailure = options.isFailure;
  const breaker = new CircuitBreaker(fn, {
    timeout: options.timeoutMs,
    ...(isFailure ? { errorFilter: (error: unknown) => !isFailure(error) } : {}),
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    resetTimeout: options.resetTimeoutMs ?? 10_000,
  });
  breaker.on('open', () => options.logger.warn('circuit opened', { breaker: name }));
  breaker.on('close', () => options.logger.info('circuit closed', { breaker: name }));
  // shutdown: stops the breaker's statistics timers, for callers that keep many breakers and drop some.
  // isOpen: callers that can wait (a queued sync) put work off instead of spending an attempt on a refusal.
  return Object.assign((...args: A) => breaker.fire(...args), { shutdown: () => breaker.shutdown(), isOpen: () => breaker.opened });
}

/** An open breaker's refusal: retrying it in-process only waits for the same answer. */
export function isBreakerOpen(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'EOPENBREAKER';
}

/** Retries a transient failure a few times in-process before the job's own backoff takes over. */
export async function withRetries<T>(fn: () => Promise<T>, options: { attempts: number; baseDelayMs: number; retryable?: (error: unknown) => boolean }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= options.attempts || isBreakerOpen(error) || (options.retryable && !options.retryable(error))) throw error;
      const delay = options.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

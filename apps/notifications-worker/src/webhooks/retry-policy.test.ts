import { failedForTooLong, nextAttemptAt, type RetryPolicy } from './retry-policy';

const minute = 60_000;
const hour = 60 * minute;
const policy: RetryPolicy = { firstRetryMs: 30_000, maxRetryDelayMs: 4 * hour, retryWindowMs: 72 * hour, disableAfterMs: 72 * hour };
const start = new Date('2026-03-01T00:00:00.000Z');

test('the first retry comes within a minute, whatever the jitter', () => {
  for (const r of [0, 0.5, 0.999]) {
    const next = nextAttemptAt(policy, 1, start, start, () => r)!;
    expect(next.getTime() - start.getTime()).toBeLessThan(minute);
    expect(next.getTime()).toBeGreaterThan(start.getTime());
  }
});

test('retries back off, keep going for more than 24 hours, and end with an attempt at the window end', () => {
  let now = start;
  const delays: number[] = [];
  for (let attempts = 1; ; attempts++) {
    const next = nextAttemptAt(policy, attempts, start, now, () => 0.5);
    if (!next) break;
    delays.push(next.getTime() - now.getTime());
    now = next;
  }
  expect(delays.slice(0, 4)).toEqual([30_000, 60_000, 120_000, 240_000]);
  expect(Math.max(...delays)).toBeLessThanOrEqual(4 * hour);
  expect(now.getTime() - start.getTime()).toBe(72 * hour);
  expect(now.getTime() - start.getTime()).toBeGreaterThanOrEqual(24 * hour);
});

test('a redelivery starts a new window', () => {
  const redelivered = new Date(start.getTime() + 80 * hour);
  expect(nextAttemptAt(policy, 30, start, redelivered)).toBeNull();
  expect(nextAttemptAt(policy, 30, redelivered, redelivered)).not.toBeNull();
});

test('an endpoint is given up on once it has failed for the whole disable window', () => {
  expect(failedForTooLong(policy, start, new Date(start.getTime() + 72 * hour - 1))).toBe(false);
  expect(failedForTooLong(policy, start, new Date(start.getTime() + 72 * hour))).toBe(true);
});

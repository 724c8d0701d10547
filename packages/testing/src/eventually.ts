import { inspect } from 'node:util';

/** What a check returns while the condition does not hold yet. */
type NotYet = undefined | false;

const POLL_MS = 50;

/**
 * Polls `check` until it returns something other than `undefined` or `false`,
 * and resolves with that value. A check that throws is retried too (a queue or
 * a database may be coming back); past the deadline the last error is named.
 */
export async function eventually<T>(check: () => Promise<T | NotYet> | T | NotYet, what: string, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > end) {
      const cause = lastError === undefined ? '' : `: ${lastError instanceof Error ? lastError.message : inspect(lastError)}`;
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

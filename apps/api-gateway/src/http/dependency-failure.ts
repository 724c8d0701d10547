/** A backing service the gateway cannot serve without. */
export type Dependency = 'postgres' | 'redis' | 'storage';

/** Node's codes for a peer that cannot be reached or hung up. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** admin_shutdown, crash_shutdown, cannot_connect_now: the server is going away or not yet up. */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03']);
/** pg and pg-pool say these in words, with no code. */
const POSTGRES_MESSAGES = /timeout exceeded when trying to connect|Cannot use a pool after calling end|Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error/i;
const REDIS_MESSAGES = /Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Command timed out|enableOfflineQueue options is false/i;

interface Inspected {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
  errors?: unknown;
  command?: unknown;
  $metadata?: unknown;
  $fault?: unknown;
}

/**
 * Which dependency an error says is unreachable, if any. Drizzle wraps the
 * driver's error in `cause`, and Node reports a refused dual-stack connect as
 * an AggregateError of each address's error, so both are followed.
 */
export function dependencyFailureOf(error: unknown, depth = 0): Dependency | undefined {
  if (depth > 5 || error === null || typeof error !== 'object') return undefined;
  const { code, message, name, cause, errors, command, $metadata, $fault } = error as Inspected;
  const text = typeof message === 'string' ? message : '';
  // The S3 SDK marks every error it throws with $metadata, after its own retries: a network failure or a 5xx is the store being unavailable.
  if ($metadata !== undefined) {
    if ($fault === 'server' || (typeof code === 'string' && NETWORK_CODES.has(code)) || name === 'TimeoutError') return 'storage';
    return undefined;
  }
  const fromRedis = name === 'MaxRetriesPerRequestError' || command !== undefined || /redis/i.test(text);
  if (typeof code === 'string') {
    if (POSTGRES_UNAVAILABLE.has(code) || code.startsWith('08')) return 'postgres';
    if (NETWORK_CODES.has(code)) return fromRedis ? 'redis' : 'postgres';
  }
  if (REDIS_MESSAGES.test(text) || name === 'MaxRetriesPerRequestError') return 'redis';
  if (POSTGRES_MESSAGES.test(text)) return 'postgres';
  const inners: unknown[] = Array.isArray(errors) ? [cause, ...(errors as unknown[])] : [cause];
  for (const inner of inners) {
    const found = dependencyFailureOf(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

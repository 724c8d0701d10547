import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ and friends. `maxRetriesPerRequest: null` is what
 * BullMQ workers require; commands wait for a reconnect instead of failing.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
  // Connection errors are reported by readiness checks; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Readiness: Redis answers and will never evict queue keys. */
export async function checkRedis(redis: Redis): Promise<void> {
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
  if (policy !== 'noeviction') throw new Error(`maxmemory-policy is ${policy}, queues need noeviction`);
}

export { Redis };

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { prometheus, type MetricsRegistry } from './metrics';

/**
 * The analytics cache in Redis. Keys are namespaced by tenant; each scope (an
 * athlete, or the tenant as a whole) has a generation counter that the
 * analytics consumer increments when an event changes its numbers, and every
 * cached answer's key carries the generation it was computed at, so one INCR
 * invalidates every window of a scope without scanning keys.
 */
const NS = 'coachline:analytics';
export type AnalyticsScope = { kind: 'athlete'; athleteId: string } | { kind: 'tenant' };

const scopeName = (scope: AnalyticsScope) => (scope.kind === 'athlete' ? `athlete:${scope.athleteId}` : 'tenant');
export const generationKey = (tenantId: string, scope: AnalyticsScope) => `${NS}:${tenantId}:${scopeName(scope)}:gen`;

/** Invalidates the athlete's analytics and the tenant's (which count the athlete's workouts). */
export async function invalidateAnalytics(redis: Redis, tenantId: string, athleteId?: string): Promise<void> {
  const pipeline = redis.multi().incr(generationKey(tenantId, { kind: 'tenant' }));
  if (athleteId) pipeline.incr(generationKey(tenantId, { kind: 'athlete', athleteId }));
  await pipeline.exec();
}

export interface AnalyticsCacheOptions {
  ttlSeconds: number;
  /** How long one computation may hold a key's lock before another process computes too. */
  lockMs: number;
  /** How often a process that lost the lock looks for the winner's answer. */
  pollMs: number;
}

export interface AnalyticsCache {
  /** The cached answer for `scope` and `variant` (a window), or `compute`'s, stored for the next caller. */
  get<T>(tenantId: string, scope: AnalyticsScope, variant: string, compute: () => Promise<T>): Promise<T>;
}

/**
 * A read-through cache with stampedes collapsed: within a process, callers of
 * one key share one computation; across processes, a short Redis lock lets one
 * compute while the others wait for its answer (and compute themselves only if
 * it takes longer than the lock). Redis errors fall through to `compute`: it is
 * a cache, and the answers come from Postgres.
 */
export function createAnalyticsCache(redis: Redis, registry: MetricsRegistry, options: AnalyticsCacheOptions): AnalyticsCache {
  // Routes may be built twice over one registry (a test lists them): the counters are then shared, not registered again.
  const lookups = (registry.getSingleMetric('analytics_cache_requests_total') as prometheus.Counter<'result'> | undefined) ?? new prometheus.Counter({
    name: 'analytics_cache_requests_total',
    help: 'Analytics cache lookups by result (hit, miss, error: Redis did not answer)',
    labelNames: ['result'],
    registers: [registry],
  });
  const computations = (registry.getSingleMetric('analytics_computations_total') as prometheus.Counter | undefined) ?? new prometheus.Counter({
    name: 'analytics_computations_total',
    help: 'Analytics answers computed from the rollups in Postgres',
    registers: [registry],
  });
  const inFlight = new Map<string, Promise<unknown>>();

  const safe = async <T>(op: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await op();
    } catch {
      return undefined;
    }
  };

  async function computeAndStore<T>(key: string, compute: () => Promise<T>): Promise<T> {
    computations.inc();
    const value = await compute();
    await safe(() => redis.set(key, JSON.stringify(value), 'EX', options.ttlSeconds));
    return value;
  }

  async function load<T>(tenantId: string, scope: AnalyticsScope, variant: string, compute: () => Promise<T>): Promise<T> {
    const generation = await safe(() => redis.get(generationKey(tenantId, scope)));
    if (generation === undefined) {
      lookups.inc({ result: 'error' });
      computations.inc();
      return compute();
    }
    const key = `${NS}:${tenantId}:${scopeName(scope)}:${generation ?? '0'}:${variant}`;
    const cached = await safe(() => redis.get(key));
    if (typeof cached === 'string') {
      lookups.inc({ result: 'hit' });
      return JSON.parse(cached) as T;
    }
    lookups.inc({ result: 'miss' });
    const lockKey = `${key}:lock`;
    const token = randomUUID();
    const locked = await safe(() => redis.set(lockKey, token, 'PX', options.lockMs, 'NX'));
    if (locked !== null) {
      try {
        return await computeAndStore(key, compute);
      } finally {
        // Only our own lock: it may have expired and been taken by another process.
        await safe(() => redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, lockKey, token));
      }
    }
    const deadline = Date.now() + options.lockMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
      const value = await safe(() => redis.get(key));
      if (typeof value === 'string') return JSON.parse(value) as T;
    }
    return computeAndStore(key, compute);
  }

  return {
    get<T>(tenantId: string, scope: AnalyticsScope, variant: string, compute: () => Promise<T>): Promise<T> {
      const flightKey = `${tenantId}:${scopeName(scope)}:${variant}`;
      const pending = inFlight.get(flightKey);
      if (pending) return pending as Promise<T>;
      const promise = load(tenantId, scope, variant, compute).finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, promise);
      return promise;
    },
  };
}

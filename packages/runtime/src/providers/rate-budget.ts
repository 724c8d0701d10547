import type { Redis } from 'ioredis';

/**
 * A provider's request budget, shared by every process and tenant through
 * Redis: Strava allows an application 100 requests per 15 minutes and 1,000 a
 * day, whoever makes them. Each request takes one from both windows first; the
 * provider's own usage headers then raise the count to what it says, so calls
 * made elsewhere (another deployment, a retry we did not count) are honoured too.
 */
export interface RateBudget {
  /** Takes one request, or answers when the budget frees again. */
  take(now?: Date): Promise<{ ok: true } | { ok: false; retryAt: Date }>;
  /** Records the provider's view of the windows: `usage` and `limit` per window, short window first. */
  record(usage: readonly number[], limit: readonly number[] | undefined, now?: Date): Promise<void>;
}

export interface RateBudgetOptions {
  redis: Redis;
  /** Key prefix, with the queues' hash tag so the keys live on one Cluster slot. */
  prefix: string;
  provider: string;
  shortWindowSeconds: number;
  shortLimit: number;
  dailyLimit: number;
  /** Requests kept back from each window: usage this close to the limit already defers work. */
  headroom: number;
}

// KEYS: short usage, daily usage, short limit, daily limit. ARGV: default short limit, default daily limit, headroom, short ttl, daily ttl.
// 0: taken; 1: the short window is spent; 2: the day is spent.
const TAKE = `
local shortLimit = tonumber(redis.call('GET', KEYS[3]) or ARGV[1])
local dailyLimit = tonumber(redis.call('GET', KEYS[4]) or ARGV[2])
local headroom = tonumber(ARGV[3])
if tonumber(redis.call('GET', KEYS[1]) or '0') >= shortLimit - headroom then return 1 end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= dailyLimit - headroom then return 2 end
redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('INCR', KEYS[2]); redis.call('EXPIRE', KEYS[2], ARGV[5])
return 0
`;

// KEYS: usage, limit. ARGV: reported usage, reported limit (or ''), ttl. Usage only ever rises within a window.
const RECORD = `
if tonumber(ARGV[1]) > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3]) end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
return 0
`;

export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const shortMs = options.shortWindowSeconds * 1000;
  const windows = (now: Date) => {
    // Strava's windows start at the quarter hours and at midnight UTC.
    const shortStart = Math.floor(now.getTime() / shortMs) * shortMs;
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const base = `${options.prefix}:rate-budget:${options.provider}`;
    return {
      short: { usage: `${base}:short:${shortStart}`, limit: `${base}:short:${shortStart}:limit`, end: shortStart + shortMs },
      day: { usage: `${base}:day:${dayStart}`, limit: `${base}:day:${dayStart}:limit`, end: dayStart + 86_400_000 },
    };
  };
  const ttl = (end: number, now: Date) => Math.max(1, Math.ceil((end - now.getTime()) / 1000) + 60);

  return {
    async take(now = new Date()) {
      const w = windows(now);
      const result = (await options.redis.eval(
        TAKE,
        4,
        w.short.usage,
        w.day.usage,
        w.short.limit,
        w.day.limit,
        options.shortLimit,
        options.dailyLimit,
        options.headroom,
        ttl(w.short.end, now),
        ttl(w.day.end, now),
      )) as number;
      if (result === 0) return { ok: true };
      return { ok: false, retryAt: new Date(result === 1 ? w.short.end : w.day.end) };
    },
    async record(usage, limit, now = new Date()) {
      const w = windows(now);
      const pairs = [w.short, w.day] as const;
      for (const [index, window] of pairs.entries()) {
        const used = usage[index];
        if (used === undefined || !Number.isFinite(used)) continue;
        const cap = limit?.[index];
        await options.redis.eval(RECORD, 2, window.usage, window.limit, used, cap !== undefined && Number.isFinite(cap) ? cap : '', ttl(window.end, now));
      }
    },
  };
}

/** `100,1000` -> [100, 1000]; Strava's X-RateLimit-Limit and X-RateLimit-Usage read this way. */
export function parseRateHeader(value: string | null | undefined): number[] | undefined {
  if (!value) return undefined;
  const numbers = value.split(',').map((part) => Number(part.trim()));
  return numbers.every((n) => Number.isInteger(n) && n >= 0) ? numbers : undefined;
}

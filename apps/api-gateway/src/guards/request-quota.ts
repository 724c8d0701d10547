import type { RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { RateLimitedError } from '@coachline/domain/errors';
import type { Logger } from '@coachline/runtime/logger';
import type { Redis } from '@coachline/runtime/redis';
import type { Actor } from '@coachline/domain/actor';

/**
 * Adds hits to fixed windows: the user's, then, unless that refuses the
 * request, the tenant's. A refused request still charges the tenant with the
 * hits already served (ARGV[5]), never with itself.
 * Returns the user's count and window ttl, the tenant's, and 1 when refused by the user's limit.
 */
const CHECK_SCRIPT = `
local function hit(key, delta, windowMs)
  local hits = redis.call('INCRBY', key, delta)
  local ttl = redis.call('PTTL', key)
  if ttl <= 0 then
    redis.call('PEXPIRE', key, windowMs)
    ttl = windowMs
  end
  return hits, ttl
end
local windowMs = tonumber(ARGV[1])
local userHits, userTtl = hit(KEYS[1], tonumber(ARGV[3]), windowMs)
if userHits > tonumber(ARGV[2]) then
  local tenantHits, tenantTtl = 0, 0
  if tonumber(ARGV[5]) > 0 then tenantHits, tenantTtl = hit(KEYS[2], tonumber(ARGV[5]), windowMs) end
  return { userHits, userTtl, tenantHits, tenantTtl, 1 }
end
local tenantHits, tenantTtl = hit(KEYS[2], tonumber(ARGV[4]), windowMs)
return { userHits, userTtl, tenantHits, tenantTtl, 0 }
`;

/** Adds hits already served to one window; returns its count and ttl. */
const FLUSH_SCRIPT = `
local hits = redis.call('INCRBY', KEYS[1], tonumber(ARGV[2]))
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

type QuotaRedis = Redis & {
  requestQuotaCheck(userKey: string, tenantKey: string, windowMs: number, userLimit: number, userDelta: number, tenantDelta: number, tenantServed: number): Promise<[number, number, number, number, number]>;
  requestQuotaFlush(key: string, windowMs: number, delta: number): Promise<[number, number]>;
};

/** What this instance knows of one window: the count Redis last reported, and hits served here since. */
interface Window {
  hits: number;
  /** Served here, not yet sent to Redis. */
  pending: number;
  /** Sent to Redis, reply not yet here (so not yet in `hits`). */
  sending: number;
  resetAt: number;
  syncedAt: number;
}

export interface RequestQuotaOptions {
  windowSeconds: number;
  userLimit: number;
  tenantLimit: number;
  /** Same key space as the other limiters, so operators find every counter under one prefix. */
  prefix: string;
}

/** Hits served here reach Redis within this long, and a window not heard of for ten times longer is asked again. */
const SYNC_MS = 100;

/**
 * The per-user and per-tenant limits every authenticated request passes,
 * counted in Redis so that every gateway instance shares them.
 *
 * Near a limit (within a tenth of it, or 10 requests) every request asks Redis
 * and is exact. Far from it, a request is served on this instance's view of the
 * window (Redis's last count plus what was served here since), and those hits
 * reach Redis in batches every 100 ms. Going to Redis on every request cost
 * about a tenth of the gateway's throughput on a hot read (pnpm bench api); the price is that
 * several instances together may overshoot by what they serve in one sync
 * period while still far from the limit, which the headroom absorbs.
 * Fails open: a Redis outage must not take the API down.
 */
export function createRequestQuota(redis: Redis, logger: Logger, options: RequestQuotaOptions): RequestHandler {
  const quotaRedis = redis as QuotaRedis;
  if (typeof quotaRedis.requestQuotaCheck !== 'function') {
    redis.defineCommand('requestQuotaCheck', { numberOfKeys: 2, lua: CHECK_SCRIPT });
    redis.defineCommand('requestQuotaFlush', { numberOfKeys: 1, lua: FLUSH_SCRIPT });
  }
  const windowMs = options.windowSeconds * 1000;
  const windows = new LRUCache<string, Window>({ max: 100_000 });
  const headroom = (limit: number) => Math.max(10, Math.ceil(limit / 10));
  let flushTimer: NodeJS.Timeout | undefined;
  let lastWarning = 0;

  const warn = (error: Error) => {
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    logger.warn('request quota unavailable; serving without it', { error: error.message });
  };

  /** Hands what was served here to a Redis call; `learn` takes it back out when the reply has counted it. */
  const take = (key: string) => {
    const known = windows.get(key);
    if (!known) return 0;
    const delta = known.pending;
    known.pending = 0;
    known.sending += delta;
    return delta;
  };

  const learn = (key: string, sent: number, hits: number, ttlMs: number, now: number) => {
    const known = windows.get(key);
    const resetAt = now + ttlMs;
    if (known) known.sending = Math.max(0, known.sending - sent);
    // Replies can arrive out of order: within one window the larger count is the later.
    if (known && Math.abs(known.resetAt - resetAt) < 1_000) {
      known.hits = Math.max(known.hits, hits);
      known.resetAt = resetAt;
      known.syncedAt = now;
    } else {
      windows.set(key, { hits, pending: known?.pending ?? 0, sending: known?.sending ?? 0, resetAt, syncedAt: now });
    }
  };

  const forget = (key: string, sent: number) => {
    const known = windows.get(key);
    if (known) known.sending = Math.max(0, known.sending - sent);
  };

  const flush = () => {
    flushTimer = undefined;
    for (const [key, window] of windows.entries()) {
      if (window.pending === 0) continue;
      const delta = take(key);
      quotaRedis.requestQuotaFlush(key, windowMs, delta).then(
        ([hits, ttl]) => learn(key, delta, hits, ttl, Date.now()),
        (error: Error) => {
          forget(key, delta);
          warn(error);
        },
      );
    }
  };

  const used = (window: Window) => window.hits + window.sending + window.pending;
  const servesLocally = (window: Window | undefined, limit: number, now: number): window is Window =>
    window !== undefined && now < window.resetAt - SYNC_MS && now - window.syncedAt < SYNC_MS * 10 && used(window) + 1 <= limit - headroom(limit);

  return (req, res, next) => {
    const actor = res.locals.actor as Actor | undefined;
    if (!actor) return next();
    const userKey = `${options.prefix}user:${actor.userId}`;
    const tenantKey = `${options.prefix}tenant:${actor.tenantId}`;
    const now = Date.now();
    const user = windows.get(userKey);
    const tenant = windows.get(tenantKey);
    if (servesLocally(user, options.userLimit, now) && servesLocally(tenant, options.tenantLimit, now)) {
      user.pending++;
      tenant.pending++;
      flushTimer ??= setTimeout(flush, SYNC_MS).unref();
      describe(res, options, used(user), user.resetAt - now, used(tenant), tenant.resetAt - now);
      return next();
    }
    const userServed = take(userKey);
    const tenantServed = take(tenantKey);
    quotaRedis.requestQuotaCheck(userKey, tenantKey, windowMs, options.userLimit, userServed + 1, tenantServed + 1, tenantServed).then(
      ([userHits, userTtl, tenantHits, tenantTtl, refusedByUser]) => {
        const at = Date.now();
        learn(userKey, userServed, userHits, userTtl, at);
        if (tenantTtl > 0) learn(tenantKey, tenantServed, tenantHits, tenantTtl, at);
        else forget(tenantKey, tenantServed);
        if (refusedByUser) return refuse(res, next, options.userLimit, userTtl);
        if (tenantHits > options.tenantLimit) return refuse(res, next, options.tenantLimit, tenantTtl);
        describe(res, options, userHits, userTtl, tenantHits, tenantTtl);
        next();
      },
      (error: Error) => {
        forget(userKey, userServed);
        forget(tenantKey, tenantServed);
        warn(error);
        next();
      },
    );
  };
}

/** The RateLimit-* headers describe whichever budget runs out first. */
function describe(res: Response, options: RequestQuotaOptions, userHits: number, userTtl: number, tenantHits: number, tenantTtl: number): void {
  const userLeft = options.userLimit - userHits;
  const tenantLeft = options.tenantLimit - tenantHits;
  if (userLeft <= tenantLeft) setHeaders(res, options.userLimit, userLeft, userTtl);
  else setHeaders(res, options.tenantLimit, tenantLeft, tenantTtl);
}

function setHeaders(res: Response, limit: number, remaining: number, ttlMs: number): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, remaining)));
  res.setHeader('RateLimit-Reset', String(Math.max(1, Math.ceil(ttlMs / 1000))));
}

function refuse(res: Response, next: (error: Error) => void, limit: number, ttlMs: number): void {
  setHeaders(res, limit, 0, ttlMs);
  next(new RateLimitedError('Too many requests; retry later.', Math.max(1, Math.ceil(ttlMs / 1000))));
}

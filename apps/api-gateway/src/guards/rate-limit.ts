import type { Request, RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { RateLimitedError, ServiceUnavailableError } from '@coachline/domain/errors';
import type { Redis } from '@coachline/runtime/redis';

/**
 * A store that survives Redis being down at start: the Lua scripts load lazily,
 * and a failed load is retried on the next request instead of poisoning the store.
 */
class LazyRedisStore extends RedisStore {
  override async init(options: Options): Promise<void> {
    this.windowMs = options.windowMs;
    this.incrementScriptSha = this.loadIncrementScript().catch(() => 'not-loaded');
    this.getScriptSha = this.loadGetScript().catch(() => 'not-loaded');
  }
}

/** Every limiter's counters live under this prefix; the hash tag keeps them in one cluster slot. */
export const RATE_LIMIT_PREFIX = '{coachline}:rl:';

export interface LimiterOptions {
  name: string;
  windowSeconds: number;
  limit: number;
  key: (req: Request) => string | undefined;
  /** Auth limiters fail closed (503) when Redis is down; general ones let requests through. */
  failClosed: boolean;
  /** Count only requests that end in an error status (failed logins). */
  countFailuresOnly?: boolean;
}

/** A Redis-backed limiter shared by every gateway instance, answering 429 problem+json with Retry-After. */
export function createLimiter(redis: Redis, options: LimiterOptions): RequestHandler {
  const limiter = rateLimit({
    windowMs: options.windowSeconds * 1000,
    limit: options.limit,
    // draft-6: separate RateLimit-Limit, -Remaining, -Reset headers, as API.md's clients read them.
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    skipSuccessfulRequests: options.countFailuresOnly ?? false,
    passOnStoreError: !options.failClosed,
    // Keys never fall back to the IP helper's IPv6 handling: every key is built explicitly below.
    validate: { keyGeneratorIpFallback: false },
    skip: (req) => options.key(req) === undefined,
    keyGenerator: (req) => `${options.name}:${options.key(req)}`,
    store: new LazyRedisStore({
      prefix: RATE_LIMIT_PREFIX,
      sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never,
    }),
    handler: (_req, _res, next, used) => {
      const resetTime = (_req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(used.windowMs / 1000);
      next(new RateLimitedError('Too many requests; retry later.', retryAfter));
    },
  });
  if (!options.failClosed) return limiter;
  return (req, res, next) =>
    limiter(req, res, (error?: unknown) => {
      if (error && !(error instanceof RateLimitedError)) return next(new ServiceUnavailableError('Rate limiting is unavailable; retry shortly.'));
      next(error as Error | undefined);
    });
}

/** The client address as seen through the trusted proxies only. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

import type { Redis } from 'ioredis';

/**
 * Who is online, across every realtime instance: one sorted set per user whose
 * members are that user's sockets, scored by when each lease expires, and an
 * index of users scored by their latest lease. Instances renew their sockets'
 * leases; a crashed instance's sockets age out and `sweep` reports the users
 * that went offline with them. All keys share one hash tag, so the scripts
 * stay valid on Redis Cluster.
 */
const userKey = (tenantId: string, userId: string) => `{presence}:${tenantId}:${userId}`;
const INDEX = '{presence}:index';

// Drops expired leases, applies the change, keeps the index in step, and answers how many sockets remain.
const CHANGE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if ARGV[1] == 'add' then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
  redis.call('ZADD', KEYS[2], 'GT', ARGV[4], ARGV[6])
else
  redis.call('ZREM', KEYS[1], ARGV[2])
end
local n = redis.call('ZCARD', KEYS[1])
if n > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
else
  redis.call('ZREM', KEYS[2], ARGV[6])
end
return n`;

// Adds the socket unless the user already holds the limit of live ones; answers the count, or -1 when refused.
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then
  return -1
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[3], ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('ZCARD', KEYS[1])`;

// Users whose latest lease has passed: drop their expired sockets; those left with none went offline.
const SWEEP = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 200)
local offline = {}
for _, member in ipairs(due) do
  local key = '{presence}:' .. member
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  local latest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if latest[2] then
    redis.call('ZADD', KEYS[1], latest[2], member)
  else
    redis.call('ZREM', KEYS[1], member)
    table.insert(offline, member)
  end
end
return offline`;

type PresenceRedis = Redis & {
  presenceChange(userKey: string, index: string, op: 'add' | 'remove', member: string, now: string, expiry: string, leaseMs: string, user: string): Promise<number>;
  presenceAdmit(userKey: string, index: string, member: string, now: string, expiry: string, leaseMs: string, limit: string, user: string): Promise<number>;
  presenceSweep(index: string, now: string): Promise<string[]>;
};

/** Sockets whose leases one pipeline renews: the replies of a larger one would hold the event loop in one go. */
const RENEW_CHUNK = 500;

export class Presence {
  private readonly redis: PresenceRedis;

  constructor(
    redis: Redis,
    private readonly leaseMs: number,
  ) {
    // Scripts run by their SHA (EVALSHA): every connect and disconnect otherwise sends, and Redis hashes, the whole script.
    this.redis = redis as PresenceRedis;
    if (typeof this.redis.presenceChange !== 'function') {
      redis.defineCommand('presenceChange', { numberOfKeys: 2, lua: CHANGE });
      redis.defineCommand('presenceAdmit', { numberOfKeys: 2, lua: ADMIT });
      redis.defineCommand('presenceSweep', { numberOfKeys: 1, lua: SWEEP });
    }
  }

  private change(op: 'add' | 'remove', tenantId: string, userId: string, member: string): Promise<number> {
    const now = Date.now();
    return this.redis.presenceChange(userKey(tenantId, userId), INDEX, op, member, String(now), String(now + this.leaseMs), String(this.leaseMs), `${tenantId}:${userId}`);
  }

  /** Registers a socket; resolves to the user's socket count, so 1 means they just came online. */
  connect(tenantId: string, userId: string, member: string): Promise<number> {
    return this.change('add', tenantId, userId, member);
  }

  /**
   * Registers a socket if the user has fewer than `limit` live ones on every
   * instance together, in one step so racing handshakes cannot all get in;
   * resolves to whether it was admitted.
   */
  async admit(tenantId: string, userId: string, member: string, limit: number): Promise<boolean> {
    const now = Date.now();
    const count = await this.redis.presenceAdmit(userKey(tenantId, userId), INDEX, member, String(now), String(now + this.leaseMs), String(this.leaseMs), String(limit), `${tenantId}:${userId}`);
    return count >= 0;
  }

  /** Removes a socket; resolves to the sockets left, so 0 means they just went offline. */
  disconnect(tenantId: string, userId: string, member: string): Promise<number> {
    return this.change('remove', tenantId, userId, member);
  }

  /**
   * Extends the leases of sockets still connected to this instance, in
   * pipelines of a few hundred sockets one after another: with thousands of
   * sockets, one pipeline's replies stalled every live event behind them.
   */
  async renew(entries: { tenantId: string; userId: string; member: string }[]): Promise<void> {
    const expiry = Date.now() + this.leaseMs;
    for (let first = 0; first < entries.length; first += RENEW_CHUNK) {
      const pipeline = this.redis.pipeline();
      for (const e of entries.slice(first, first + RENEW_CHUNK)) {
        pipeline.zadd(userKey(e.tenantId, e.userId), expiry, e.member);
        pipeline.pexpire(userKey(e.tenantId, e.userId), this.leaseMs);
        pipeline.zadd(INDEX, 'GT', expiry, `${e.tenantId}:${e.userId}`);
      }
      await pipeline.exec();
    }
  }

  /** Users whose every lease expired (their instance died); each is reported to exactly one caller. */
  async sweep(): Promise<{ tenantId: string; userId: string }[]> {
    const members = await this.redis.presenceSweep(INDEX, String(Date.now()));
    return members.map((member) => {
      const [tenantId, userId] = member.split(':') as [string, string];
      return { tenantId, userId };
    });
  }

  /** Whether the user has at least one live socket on any instance. */
  isOnline(tenantId: string, userId: string): Promise<boolean> {
    return isOnline(this.redis, tenantId, userId);
  }
}

/** Whether the user has at least one live socket on any realtime instance; for readers that keep no sockets. */
export async function isOnline(redis: Redis, tenantId: string, userId: string): Promise<boolean> {
  return (await redis.zcount(userKey(tenantId, userId), Date.now(), '+inf')) > 0;
}

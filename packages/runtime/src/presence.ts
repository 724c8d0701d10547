import type { Redis } from 'ioredis';

/**
 * Who is online, across every realtime instance: one sorted set per user whose
 * members are that user's sockets, scored by when each lease expires. Instances
 * renew their sockets' leases, so a crashed instance's sockets age out.
 */
const key = (tenantId: string, userId: string) => `presence:${tenantId}:${userId}`;

// Drops expired leases, applies the change, and answers how many sockets remain, atomically.
const SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if ARGV[1] == 'add' then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
else
  redis.call('ZREM', KEYS[1], ARGV[2])
end
local n = redis.call('ZCARD', KEYS[1])
if n > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
return n`;

export class Presence {
  constructor(
    private readonly redis: Redis,
    private readonly leaseMs: number,
  ) {}

  private run(op: 'add' | 'remove', tenantId: string, userId: string, member: string): Promise<number> {
    const now = Date.now();
    return this.redis.eval(SCRIPT, 1, key(tenantId, userId), op, member, String(now), String(now + this.leaseMs), String(this.leaseMs)) as Promise<number>;
  }

  /** Registers a socket; resolves to the user's socket count, so 1 means they just came online. */
  connect(tenantId: string, userId: string, member: string): Promise<number> {
    return this.run('add', tenantId, userId, member);
  }

  /** Removes a socket; resolves to the sockets left, so 0 means they just went offline. */
  disconnect(tenantId: string, userId: string, member: string): Promise<number> {
    return this.run('remove', tenantId, userId, member);
  }

  /** Extends the leases of sockets still connected to this instance. */
  async renew(entries: { tenantId: string; userId: string; member: string }[]): Promise<void> {
    if (entries.length === 0) return;
    const expiry = Date.now() + this.leaseMs;
    const pipeline = this.redis.pipeline();
    for (const e of entries) {
      pipeline.zadd(key(e.tenantId, e.userId), expiry, e.member);
      pipeline.pexpire(key(e.tenantId, e.userId), this.leaseMs);
    }
    await pipeline.exec();
  }

  /** Whether the user has at least one live socket on any instance. */
  async isOnline(tenantId: string, userId: string): Promise<boolean> {
    return (await this.redis.zcount(key(tenantId, userId), Date.now(), '+inf')) > 0;
  }
}

import type { Redis } from 'ioredis';

export interface EmailLimits {
  /** Notification emails one recipient gets per window; the next one is a digest, the rest wait in the app. */
  perRecipient: number;
  windowSeconds: number;
  /** Notification emails one tenant sends per hour, all recipients together. */
  perTenantPerHour: number;
}

/** `send` the notification's own email, `digest` one email in place of the rest of the window, `skip` none. */
export type EmailDecision = 'send' | 'digest' | 'skip';

// Counts the email against the recipient's window and, if one goes out, against the tenant's hour.
const TAKE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) + 1 then return 0 end
local t = redis.call('INCR', KEYS[2])
if t == 1 then redis.call('EXPIRE', KEYS[2], 3600) end
if t > tonumber(ARGV[3]) then return -1 end
if n > tonumber(ARGV[2]) then return 2 end
return 1`;

/**
 * Bounds notification email (in-app notifications are never bounded): a busy
 * conversation with an offline user, or a tenant-wide burst, must not flood
 * inboxes or the SMTP relay's sending reputation. Fixed windows in Redis, shared
 * by every worker process.
 */
export function createEmailBudget(redis: Redis, limits: EmailLimits) {
  return {
    limits,
    async take(tenantId: string, userId: string, now = Date.now()): Promise<EmailDecision> {
      const window = Math.floor(now / (limits.windowSeconds * 1000));
      const hour = Math.floor(now / 3_600_000);
      const answer = (await redis.eval(
        TAKE,
        2,
        `{email-budget}:recipient:${tenantId}:${userId}:${window}`,
        `{email-budget}:tenant:${tenantId}:${hour}`,
        String(limits.windowSeconds),
        String(limits.perRecipient),
        String(limits.perTenantPerHour),
      )) as number;
      return answer === 1 ? 'send' : answer === 2 ? 'digest' : 'skip';
    },
  };
}

export type EmailBudget = ReturnType<typeof createEmailBudget>;

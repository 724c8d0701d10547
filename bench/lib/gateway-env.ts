import { randomBytes } from 'node:crypto';

/** The gateway's settings for a benchmark: a fresh secret, and limits far above any load it drives, so they never shape a figure. */
export function unthrottledGatewayEnv(): Record<string, string> {
  return {
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    RATE_LIMIT_USER_PER_MINUTE: '100000000',
    RATE_LIMIT_TENANT_PER_MINUTE: '100000000',
    RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '1000',
    RATE_LIMIT_INVITE_PER_IP_PER_HOUR: '1000',
    DATABASE_POOL_SIZE: '10',
  };
}

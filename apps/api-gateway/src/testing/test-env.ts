import { randomBytes } from 'node:crypto';

/** One secret per test process, so gateways started by one test file accept each other's tokens. */
const JWT_SECRET = randomBytes(32).toString('hex');

/**
 * The environment integration tests run in: the URLs `pnpm test` provides,
 * plus settings a test may override (loose limits unless a test tightens them).
 */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    JWT_SECRET: process.env.JWT_SECRET ?? JWT_SECRET,
    RATE_LIMIT_LOGIN_PER_IP_PER_HOUR: '100000',
    RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '100000',
    RATE_LIMIT_INVITE_PER_IP_PER_HOUR: '100000',
    RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_TENANT_PER_MINUTE: '100000',
    // Tests stand in for a proxy on loopback, so that X-Forwarded-For gives each test's requests an address of their own.
    TRUST_PROXY: 'loopback',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...overrides,
  };
}

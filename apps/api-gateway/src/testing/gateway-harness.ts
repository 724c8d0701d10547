import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createDatabase } from '@coachline/db/database';
import type { Role } from '@coachline/domain/roles';
import { AccessTokens } from '@coachline/runtime/access-token';
import { createLogger } from '@coachline/runtime/logger';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';
import { createApp, type GatewayDeps } from '../app';
import { loadGatewayConfig } from '../config';
import { testEnv } from './test-env';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
  role: Role;
  tenantId: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * A real gateway over real Postgres and Redis, for supertest. Each test file
 * makes its own tenants through the API, so files run in parallel.
 */
export async function startGateway(overrides: Record<string, string> = {}) {
  const config = loadGatewayConfig(testEnv(overrides));
  const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 5 });
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  const tokens = new AccessTokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
  const liveRedis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
  const logger = createLogger('api-gateway', config.LOG_LEVEL);
  const live = createLiveEmitter(liveRedis, (error) => logger.warn('live publish failed', { error: error.message }));
  const deps: GatewayDeps = { config, logger, db, redis, metrics: createMetricsRegistry('api-gateway'), tokens, live };
  const app = createApp(deps);
  const http = () => request(app);

  async function signup(name = 'Ada Admin'): Promise<TestUser> {
    const email = `admin-${randomUUID()}@example.com`;
    const password = 'correct horse battery';
    const res = await http().post('/v1/auth/signup').send({ organizationName: `Org ${randomUUID().slice(0, 8)}`, name, email, password });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.user.id, email, password, name, role: 'ADMIN', tenantId: res.body.tenant.id, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
  }

  /** Invites and accepts a new member of `admin`'s tenant. */
  async function addMember(admin: TestUser, role: Role, name = `${role.toLowerCase()} ${randomUUID().slice(0, 6)}`): Promise<TestUser> {
    const email = `${role.toLowerCase()}-${randomUUID()}@example.com`;
    const password = 'another good password';
    const invite = await http().post('/v1/invitations').set('authorization', `Bearer ${admin.accessToken}`).send({ email, role });
    if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
    const accepted = await http().post('/v1/invitations/accept').send({ token: invite.body.token, name, password });
    if (accepted.status !== 201) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    return { id: accepted.body.user.id, email, password, name, role, tenantId: admin.tenantId, accessToken: accepted.body.accessToken, refreshToken: accepted.body.refreshToken };
  }

  /** An ADMIN with a COACH and two ATHLETEs in a fresh tenant. */
  async function tenantWithTeam() {
    const admin = await signup();
    const [coach, athlete, athlete2] = await Promise.all([addMember(admin, 'COACH'), addMember(admin, 'ATHLETE'), addMember(admin, 'ATHLETE')]);
    return { admin, coach: coach!, athlete: athlete!, athlete2: athlete2! };
  }

  const auth = (user: { accessToken: string }) => ({ authorization: `Bearer ${user.accessToken}` });

  return {
    app,
    deps,
    http,
    signup,
    addMember,
    tenantWithTeam,
    auth,
    async close() {
      await redis.quit().catch(() => undefined);
      await liveRedis.quit().catch(() => undefined);
      await db.close();
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof startGateway>>;

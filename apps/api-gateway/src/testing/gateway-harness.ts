import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '@coachline/domain/roles';
import { loadConfig } from '@coachline/runtime/config';
import type { Logger } from '@coachline/runtime/logger';
import { createApp } from '../app';
import { gatewayConfigSchema } from '../config';
import { createGatewayDeps } from '../deps';
import { testEnv } from './test-env';

/** An address in 198.18.0.0/15 (benchmarking range), only ever written into X-Forwarded-For. */
export function randomTestIp(): string {
  return `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;
}

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
export async function startGateway(overrides: Record<string, string | undefined> = {}, options: { logger?: Logger } = {}) {
  const config = loadConfig(gatewayConfigSchema, testEnv({ DATABASE_POOL_SIZE: '5', ...overrides }));
  const { deps, close } = createGatewayDeps(config, options.logger);
  await deps.storage.ensureBucket();
  const app = createApp(deps);
  const http = () => request(app);

  /** Each signup comes from its own documentation-range address, so per-IP limits never couple tests. */
  async function signup(name = 'Ada Admin'): Promise<TestUser> {
    const email = `admin-${randomUUID()}@example.com`;
    const password = 'correct horse battery';
    const res = await http().post('/v1/auth/signup').set('x-forwarded-for', randomTestIp()).send({ organizationName: `Org ${randomUUID().slice(0, 8)}`, name, email, password });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.user.id, email, password, name, role: 'ADMIN', tenantId: res.body.tenant.id, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
  }

  /** Invites and accepts a new member of `admin`'s tenant. */
  async function addMember(admin: TestUser, role: Role, name = `${role.toLowerCase()} ${randomUUID().slice(0, 6)}`): Promise<TestUser> {
    const email = `${role.toLowerCase()}-${randomUUID()}@example.com`;
    const password = 'another good password';
    const invite = await http().post('/v1/invitations').set('x-forwarded-for', randomTestIp()).set('authorization', `Bearer ${admin.accessToken}`).send({ email, role });
    if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
    const accepted = await http().post('/v1/invitations/accept').set('x-forwarded-for', randomTestIp()).send({ token: invite.body.token, name, password });
    if (accepted.status !== 201) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    return { id: accepted.body.user.id, email, password, name, role, tenantId: admin.tenantId, accessToken: accepted.body.accessToken, refreshToken: accepted.body.refreshToken };
  }

  /** An ADMIN with a COACH and two ATHLETEs in a fresh tenant. */
  async function tenantWithTeam() {
    const admin = await signup();
    const [coach, athlete, athlete2] = await Promise.all([addMember(admin, 'COACH'), addMember(admin, 'ATHLETE'), addMember(admin, 'ATHLETE')]);
    return { admin, coach, athlete, athlete2 };
  }

  const auth = (user: { accessToken: string }) => ({ authorization: `Bearer ${user.accessToken}` });

  /** The id of the first exercise of the tenant's library whose name matches `q`. */
  async function exerciseNamed(user: TestUser, q: string): Promise<string> {
    const res = await http().get('/v1/exercises').query({ q }).set(auth(user));
    if (res.status !== 200 || !res.body.items?.length) throw new Error(`no exercise named like "${q}": ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items[0].id;
  }

  return {
    app,
    deps,
    http,
    signup,
    addMember,
    tenantWithTeam,
    auth,
    exerciseNamed,
    close,
  };
}

export type Gateway = Awaited<ReturnType<typeof startGateway>>;

import type { Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { seedExerciseLibrary } from '@coachline/db/exercise-library';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import { tenants, users } from '@coachline/db/schema/index';
import { ConflictError, NotFoundError, UnauthenticatedError } from '@coachline/domain/errors';
import { permissionsOf, type Role } from '@coachline/domain/roles';
import type { Actor } from '@coachline/domain/actor';
import { isUniqueViolation } from '@coachline/db/pg-errors';
import * as repo from './identity.repository';
import { hashOpaqueToken, tenantOfToken } from './opaque-token';
import { hashPassword, verifyPassword } from './password';
import type { SessionIssuer, TokenPair } from './session-issuer';

export interface AuthSession extends TokenPair {
  user: { id: string; email: string; name: string };
  tenant: { id: string; name: string };
  role: Role;
}

const BAD_CREDENTIALS = 'The email or password is incorrect.';

export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionIssuer,
  ) {}

  /** Creates a tenant with the caller as its ADMIN, and its starting exercise library. */
  async signup(input: { organizationName: string; name: string; email: string; password: string }, requestId: string): Promise<AuthSession> {
    const passwordHash = await hashPassword(input.password);
    const tenantId = newId();
    const userId = newId();
    try {
      return await this.db.withTenant({ tenantId, requestId }, async (tx) => {
        await tx.insert(tenants).values({ id: tenantId, name: input.organizationName });
        await tx.insert(users).values({ id: userId, email: input.email, name: input.name, passwordHash });
        await repo.insertMembership(tx, userId, 'ADMIN');
        await seedExerciseLibrary(tx);
        await emit(tx, 'user.signed_up', { userId, email: input.email, name: input.name });
        await recordAudit(tx, { actorId: userId, action: 'tenant.created', entityType: 'tenant', entityId: tenantId, summary: { organizationName: input.organizationName, email: input.email } });
        const pair = await this.sessions.issue(tx, { userId, role: 'ADMIN' });
        return { user: { id: userId, email: input.email, name: input.name }, tenant: { id: tenantId, name: input.organizationName }, role: 'ADMIN' as const, ...pair };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw new ConflictError('An account with this email already exists.');
      throw error;
    }
  }

  /** Same answer and similar timing for an unknown email and a wrong password. */
  async login(input: { email: string; password: string; tenantId?: string }, requestId: string): Promise<AuthSession> {
    // Which tenants a person belongs to is only knowable across tenants: the system role.
    const found = await this.db.withSystem(async (tx) => {
      const user = await repo.findUserByEmail(tx, input.email);
      return user ? { user, memberships: await repo.membershipsOfUser(tx, user.id) } : undefined;
    });
    const ok = await verifyPassword(found?.user.passwordHash, input.password);
    if (!found || !ok) throw new UnauthenticatedError(BAD_CREDENTIALS);
    const membership = input.tenantId ? found.memberships.find((m) => m.tenantId === input.tenantId) : found.memberships[0];
    if (!membership) throw new UnauthenticatedError(BAD_CREDENTIALS);
    const { user } = found;
    return this.db.withTenant({ tenantId: membership.tenantId, requestId }, async (tx) => {
      const tenant = await repo.findTenant(tx);
      if (!tenant) throw new UnauthenticatedError(BAD_CREDENTIALS);
      const pair = await this.sessions.issue(tx, { userId: user.id, role: membership.role });
      await recordAudit(tx, { actorId: user.id, action: 'session.created', entityType: 'user', entityId: user.id });
      return { user: { id: user.id, email: user.email, name: user.name }, tenant, role: membership.role, ...pair };
    });
  }

  /**
   * Rotates a refresh token. A spent token presented again means it was stolen
   * or replayed: the whole family is revoked, and that revocation commits.
   */
  async refresh(refreshToken: string, requestId: string): Promise<TokenPair> {
    const tenantId = tenantOfToken('rt', refreshToken);
    if (!tenantId) throw new UnauthenticatedError('The refresh token is invalid.');
    const now = new Date();
    const outcome = await this.db.withTenant({ tenantId, requestId }, async (tx) => {
      const row = await repo.findRefreshTokenForUpdate(tx, hashOpaqueToken(refreshToken));
      if (!row || row.revokedAt || row.expiresAt <= now) return 'invalid' as const;
      if (row.spentAt) {
        await repo.revokeFamily(tx, row.familyId, now);
        await recordAudit(tx, { actorId: row.userId, action: 'session.reuse_detected', entityType: 'user', entityId: row.userId, summary: { familyId: row.familyId } });
        return 'reused' as const;
      }
      const membership = await repo.findMembership(tx, row.userId);
      if (!membership) return 'invalid' as const;
      await repo.spendRefreshToken(tx, row.id, now);
      return this.sessions.issue(tx, { userId: row.userId, role: membership.role }, row.familyId);
    });
    if (outcome === 'invalid') throw new UnauthenticatedError('The refresh token is invalid or expired.');
    if (outcome === 'reused') throw new UnauthenticatedError('The refresh token was already used; every session of its family is revoked.');
    return outcome;
  }

  async logout(refreshToken: string, requestId: string): Promise<void> {
    const tenantId = tenantOfToken('rt', refreshToken);
    if (!tenantId) return;
    await this.db.withTenant({ tenantId, requestId }, async (tx) => {
      const row = await repo.findRefreshTokenForUpdate(tx, hashOpaqueToken(refreshToken));
      if (!row) return;
      await repo.revokeFamily(tx, row.familyId, new Date());
      await recordAudit(tx, { actorId: row.userId, action: 'session.revoked', entityType: 'user', entityId: row.userId, summary: { familyId: row.familyId } });
    });
  }

  async me(actor: Actor) {
    return this.db.withTenant(actor, async (tx) => {
      const user = await repo.findUser(tx, actor.userId);
      const tenant = await repo.findTenant(tx);
      const membership = await repo.findMembership(tx, actor.userId);
      if (!user || !tenant || !membership) throw new NotFoundError('Your membership no longer exists.');
      return { user: { id: user.id, email: user.email, name: user.name }, tenant, role: membership.role, permissions: [...permissionsOf(membership.role)] };
    });
  }
}

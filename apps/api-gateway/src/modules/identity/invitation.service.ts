import type { Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import { isUniqueViolation } from '@coachline/db/pg-errors';
import { emit } from '@coachline/db/outbox';
import { users } from '@coachline/db/schema/index';
import { ConflictError, ForbiddenError, GoneError, NotFoundError, UnauthenticatedError } from '@coachline/domain/errors';
import { canInvite, type Role } from '@coachline/domain/roles';
import type { Actor } from '@coachline/domain/actor';
import type { SecretBox } from '@coachline/runtime/secret-box';
import type { AuthSession } from './auth.service';
import * as repo from './identity.repository';
import { hashOpaqueToken, issueOpaqueToken, tenantOfToken } from './opaque-token';
import { invitationTokenContext } from '@coachline/domain/sealed-contexts';
import { hashPassword, verifyPassword } from './password';
import type { SessionIssuer } from './session-issuer';

/** The account behind the invited email appeared or changed between the probe and the write. */
class AccountChanged extends Error {}

/** A race lost to a concurrent accept of the same person is a conflict the client may retry, never a 500. */
function asConflict(error: unknown): never {
  if (error instanceof AccountChanged || isUniqueViolation(error, 'users_email_key') || isUniqueViolation(error, 'memberships_tenant_user_key')) {
    throw new ConflictError('This account was created or joined concurrently; retry.');
  }
  throw error;
}

export class InvitationService {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionIssuer,
    private readonly ttlSeconds: number,
    private readonly secrets: SecretBox,
  ) {}

  /** ADMIN invites any role, COACH only athletes; the invitee is emailed through the outbox. */
  async invite(actor: Actor, input: { email: string; role: Role }) {
    if (!canInvite(actor.role, input.role)) throw new ForbiddenError(`A ${actor.role} cannot invite a ${input.role}.`);
    const { token, hash } = issueOpaqueToken('inv', actor.tenantId);
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const id = newId();
    await this.db.withTenant(actor, async (tx) => {
      const existing = await repo.findUserByEmail(tx, input.email);
      if (existing && (await repo.findMembership(tx, existing.id))) {
        throw new ConflictError('This person is already a member.');
      }
      const tokenSealed = this.secrets.seal(token, invitationTokenContext(id));
      await repo.insertInvitation(tx, { id, email: input.email, role: input.role, tokenHash: hash, tokenSealed, invitedBy: actor.userId, expiresAt });
      await emit(tx, 'invitation.created', { invitationId: id, invitedBy: actor.userId });
      await recordAudit(tx, { actorId: actor.userId, action: 'invitation.created', entityType: 'invitation', entityId: id, summary: { email: input.email, role: input.role } });
    });
    return { id, email: input.email, role: input.role, token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Accepting makes a new account, or adds a membership to an existing one
   * (whose password must then be given; the name is ignored).
   */
  async accept(input: { token: string; name: string; password: string }, requestId: string): Promise<AuthSession> {
    try {
      return await this.acceptOnce(input, requestId);
    } catch (error) {
      // Another accept made the account for this email meanwhile: accept again as that existing account.
      if (error instanceof AccountChanged || isUniqueViolation(error, 'users_email_key')) return this.acceptOnce(input, requestId).catch(asConflict);
      return asConflict(error);
    }
  }

  private async acceptOnce(input: { token: string; name: string; password: string }, requestId: string): Promise<AuthSession> {
    const tenantId = tenantOfToken('inv', input.token);
    if (!tenantId) throw new NotFoundError('No such invitation.');
    const now = new Date();
    const invitation = await this.db.withTenant({ tenantId, requestId }, (tx) => repo.findInvitation(tx, hashOpaqueToken(input.token)));
    if (!invitation) throw new NotFoundError('No such invitation.');
    // The invitee's account may belong to other tenants only, which RLS hides from the tenant: the system role.
    const probe = { invitation, user: await this.db.withSystem((tx) => repo.findUserByEmail(tx, invitation.email)) };
    if (probe.invitation.acceptedAt || probe.invitation.expiresAt <= now) throw new GoneError('This invitation was already used or has expired.');
    // Hashing is slow: do it outside the transaction that locks the invitation.
    if (probe.user && !(await verifyPassword(probe.user.passwordHash, input.password))) {
      throw new UnauthenticatedError('This email already has an account: give its password to accept.');
    }
    const newHash = probe.user ? undefined : await hashPassword(input.password);

    return this.db.withTenant({ tenantId, requestId }, async (tx) => {
      const invitation = await repo.findInvitationForUpdate(tx, hashOpaqueToken(input.token));
      if (!invitation || invitation.acceptedAt || invitation.expiresAt <= now) throw new GoneError('This invitation was already used or has expired.');
      const existingId = await repo.userIdByEmail(tx, invitation.email);
      let user: { id: string; email: string; name: string };
      if (!existingId) {
        if (!newHash) throw new AccountChanged();
        user = { id: newId(), email: invitation.email, name: input.name };
        // No RETURNING: the new row is not readable (no membership yet) until the membership below exists.
        await tx.insert(users).values({ ...user, passwordHash: newHash });
        await emit(tx, 'user.signed_up', { userId: user.id, email: user.email, name: user.name });
      } else if (probe.user?.id === existingId) {
        user = probe.user;
      } else {
        throw new AccountChanged();
      }
      // A removed member joins again through their old membership, whose row their history references.
      if (!(await repo.joinTenant(tx, user.id, invitation.role))) throw new ConflictError('You are already a member of this organization.');
      await repo.markInvitationAccepted(tx, invitation.id, user.id, now);
      await emit(tx, 'member.joined', { userId: user.id, role: invitation.role, invitationId: invitation.id });
      await recordAudit(tx, { actorId: user.id, action: 'invitation.accepted', entityType: 'invitation', entityId: invitation.id, summary: { role: invitation.role } });
      const tenant = await repo.findTenant(tx);
      if (!tenant) throw new NotFoundError('No such organization.');
      const pair = await this.sessions.issue(tx, { userId: user.id, role: invitation.role });
      return { user: { id: user.id, email: user.email, name: user.name }, tenant, role: invitation.role, ...pair };
    });
  }
}

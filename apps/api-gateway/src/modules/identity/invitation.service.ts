import type { Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import { users } from '@coachline/db/schema/index';
import { ConflictError, ForbiddenError, GoneError, NotFoundError, UnauthenticatedError } from '@coachline/domain/errors';
import { canInvite, type Role } from '@coachline/domain/roles';
import type { Actor } from '@coachline/domain/actor';
import type { AuthSession } from './auth.service';
import * as repo from './identity.repository';
import { hashOpaqueToken, issueOpaqueToken, tenantOfToken } from './opaque-token';
import { hashPassword, verifyPassword } from './password';
import type { SessionIssuer } from './session-issuer';

export class InvitationService {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionIssuer,
    private readonly ttlSeconds: number,
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
      await repo.insertInvitation(tx, { id, email: input.email, role: input.role, tokenHash: hash, invitedBy: actor.userId, expiresAt });
      await emit(tx, 'invitation.created', {
        invitationId: id,
        email: input.email,
        role: input.role,
        token,
        invitedBy: actor.userId,
        expiresAt: expiresAt.toISOString(),
      });
      await recordAudit(tx, { actorId: actor.userId, action: 'invitation.created', entityType: 'invitation', entityId: id, summary: { email: input.email, role: input.role } });
    });
    return { id, email: input.email, role: input.role, token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Accepting makes a new account, or adds a membership to an existing one
   * (whose password must then be given; the name is ignored).
   */
  async accept(input: { token: string; name: string; password: string }, requestId: string): Promise<AuthSession> {
    const tenantId = tenantOfToken('inv', input.token);
    if (!tenantId) throw new NotFoundError('No such invitation.');
    const now = new Date();
    const probe = await this.db.withTenant({ tenantId, requestId }, async (tx) => {
      const invitation = await repo.findInvitation(tx, hashOpaqueToken(input.token));
      return invitation ? { invitation, user: await repo.findUserByEmail(tx, invitation.email) } : undefined;
    });
    if (!probe) throw new NotFoundError('No such invitation.');
    if (probe.invitation.acceptedAt || probe.invitation.expiresAt <= now) throw new GoneError('This invitation was already used or has expired.');
    // Hashing is slow: do it outside the transaction that locks the invitation.
    if (probe.user && !(await verifyPassword(probe.user.passwordHash, input.password))) {
      throw new UnauthenticatedError('This email already has an account: give its password to accept.');
    }
    const newHash = probe.user ? undefined : await hashPassword(input.password);

    return this.db.withTenant({ tenantId, requestId }, async (tx) => {
      const invitation = await repo.findInvitationForUpdate(tx, hashOpaqueToken(input.token));
      if (!invitation || invitation.acceptedAt || invitation.expiresAt <= now) throw new GoneError('This invitation was already used or has expired.');
      let user = await repo.findUserByEmail(tx, invitation.email);
      if (!user) {
        if (!newHash) throw new ConflictError('The account changed while accepting; retry.');
        const id = newId();
        [user] = await tx.insert(users).values({ id, email: invitation.email, name: input.name, passwordHash: newHash }).returning();
        await emit(tx, 'user.signed_up', { userId: id, email: invitation.email, name: input.name });
      } else if (probe.user?.id !== user.id) {
        throw new ConflictError('The account changed while accepting; retry.');
      }
      if (!user) throw new Error('user insert returned nothing');
      if (await repo.findMembership(tx, user.id)) throw new ConflictError('You are already a member of this organization.');
      await repo.insertMembership(tx, user.id, invitation.role);
      await repo.markInvitationAccepted(tx, invitation.id, user.id, now);
      await recordAudit(tx, { actorId: user.id, action: 'invitation.accepted', entityType: 'invitation', entityId: invitation.id, summary: { role: invitation.role } });
      const tenant = await repo.findTenant(tx);
      if (!tenant) throw new NotFoundError('No such organization.');
      const pair = await this.sessions.issue(tx, { userId: user.id, role: invitation.role });
      return { user: { id: user.id, email: user.email, name: user.name }, tenant, role: invitation.role, ...pair };
    });
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { afterCommit, type Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError, GoneError, NotFoundError, UnauthenticatedError } from '@coachline/domain/errors';
import { passwordResetTokenContext } from '@coachline/domain/sealed-contexts';
import type { SecretBox } from '@coachline/runtime/secret-box';
import * as repo from './identity.repository';
import type { LiveSessions } from './live-sessions';
import { hashOpaqueToken, issueOpaqueToken, tenantOfToken } from './opaque-token';
import { hashPassword, verifyPassword } from './password';
import * as resets from './password-reset.repository';

/** A reset link works once, for an hour (API.md, Identity). */
const RESET_TTL_MS = 3_600_000;

/**
 * Every answer to a reset request takes at least this long. A known email
 * costs one transaction more than an unknown one, a few milliseconds that
 * timing would tell apart; the floor is well above either path's usual time.
 */
const RESET_ANSWER_FLOOR_MS = 250;

const USED_OR_EXPIRED = 'This password reset link was already used or has expired.';

/**
 * Passwords belong to the account, not to a tenant: changing one, by reset or
 * by the signed-in person, ends the account's other sessions in every tenant.
 */
export class PasswordService {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly live: LiveSessions,
  ) {}

  /** Emails a single-use reset link to a known account; the caller learns nothing either way. */
  async requestReset(email: string, requestId: string): Promise<void> {
    await Promise.all([this.issueReset(email, requestId), sleep(RESET_ANSWER_FLOOR_MS)]);
  }

  private async issueReset(email: string, requestId: string): Promise<void> {
    // Which tenants a person belongs to is only knowable across tenants: the system role.
    const found = await this.db.withSystem(async (tx) => {
      const user = await repo.findUserByEmail(tx, email);
      return user ? { userId: user.id, memberships: await repo.membershipsOfUser(tx, user.id) } : undefined;
    });
    // The reset runs in the tenant of the account's oldest current membership, the one a login without
    // tenantId opens: its row, its event and the worker's reading of the account's email all stay under
    // that tenant's row-level security. An account that belongs to no tenant any more cannot log in, so it
    // gets no email, like an unknown one.
    const home = found?.memberships[0];
    if (!found || !home) return;
    const { token, hash } = issueOpaqueToken('pwr', home.tenantId);
    const id = newId();
    const tokenSealed = this.secrets.seal(token, passwordResetTokenContext(id));
    await this.db.withTenant({ tenantId: home.tenantId, requestId }, async (tx) => {
      await resets.insertPasswordReset(tx, { id, userId: found.userId, tokenHash: hash, tokenSealed, expiresAt: new Date(Date.now() + RESET_TTL_MS) });
      await emit(tx, 'password_reset.requested', { resetId: id, userId: found.userId });
      // Whoever asked is unknown: the email goes to the account, which may not have asked.
      await recordAudit(tx, { actorId: null, action: 'password.reset_requested', entityType: 'user', entityId: found.userId });
    });
  }

  /** Sets the password a reset link was sent for, and ends every session of the account. */
  async confirmReset(input: { token: string; password: string }, requestId: string): Promise<void> {
    const tenantId = tenantOfToken('pwr', input.token);
    if (!tenantId) throw new NotFoundError('No such password reset.');
    const scope = { tenantId, requestId };
    const tokenHash = hashOpaqueToken(input.token);
    const usable = (reset: { usedAt: Date | null; expiresAt: Date } | undefined) => reset !== undefined && !reset.usedAt && reset.expiresAt > new Date();
    const probe = await this.db.readAsTenant(scope, (tx) => resets.findPasswordReset(tx, tokenHash));
    if (!probe) throw new NotFoundError('No such password reset.');
    if (!usable(probe)) throw new GoneError(USED_OR_EXPIRED);
    // Hashing is slow: outside the transaction that locks the reset.
    const passwordHash = await hashPassword(input.password);
    const ended = await this.endSessionsEverywhere(probe.userId);
    await this.db.withTenant(scope, async (tx) => {
      const reset = await resets.findPasswordReset(tx, tokenHash, true);
      if (!reset || !usable(reset)) throw new GoneError(USED_OR_EXPIRED);
      const now = new Date();
      await resets.spendPasswordResetsOf(tx, reset.userId, now);
      await repo.actAsUser(tx, reset.userId);
      await repo.setPasswordHash(tx, reset.userId, passwordHash);
      const sinceThen = await repo.revokeSessionsOfUser(tx, reset.userId, now);
      await recordAudit(tx, { actorId: reset.userId, action: 'password.reset', entityType: 'user', entityId: reset.userId, summary: { sessionsEnded: ended.length + sinceThen.length } });
      afterCommit(tx, () => this.live.closeSessions(sinceThen.map((sessionId) => ({ tenantId, sessionId }))));
    });
  }

  /** Changes the caller's password; their other sessions end, the one they act in lives on. */
  async change(actor: Actor, input: { currentPassword: string; newPassword: string }): Promise<void> {
    const user = await this.db.readAsTenant(actor, (tx) => repo.findUser(tx, actor.userId));
    if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) throw new UnauthenticatedError('The current password is incorrect.');
    const passwordHash = await hashPassword(input.newPassword);
    const keep = actor.sessionId ? { tenantId: actor.tenantId, familyId: actor.sessionId } : undefined;
    const ended = await this.endSessionsEverywhere(actor.userId, keep);
    await this.db.withTenant(actor, async (tx) => {
      await repo.actAsUser(tx, actor.userId);
      if (!(await repo.setPasswordHash(tx, actor.userId, passwordHash, user.passwordHash))) throw new ConflictError('The password was changed meanwhile; try again.');
      const sinceThen = await repo.revokeSessionsOfUser(tx, actor.userId, new Date(), actor.sessionId);
      await recordAudit(tx, { actorId: actor.userId, action: 'password.changed', entityType: 'user', entityId: actor.userId, summary: { sessionsEnded: ended.length + sinceThen.length } });
      afterCommit(tx, () => this.live.closeSessions(sinceThen.map((sessionId) => ({ tenantId: actor.tenantId, sessionId }))));
    });
  }

  /**
   * Ends the account's sessions in every tenant, before the new password is
   * stored: should storing it fail, the person is logged out and may retry,
   * whereas the other order could leave sessions of the old password alive.
   * Sessions opened between the two are ended again with the change, in its tenant.
   */
  private async endSessionsEverywhere(userId: string, keep?: { tenantId: string; familyId: string }) {
    // A person's sessions span every tenant they belong to, which only the system role sees.
    const ended = await this.db.withSystem((tx) => repo.revokeSessionsEverywhere(tx, userId, new Date(), keep));
    this.live.closeSessions(ended);
    return ended;
  }
}

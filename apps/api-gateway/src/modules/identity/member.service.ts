import { afterCommit, type Database, type TenantTx } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { PageQuery } from '@coachline/domain/api/common';
import type { Actor } from '@coachline/domain/actor';
import { ConflictError, NotFoundError } from '@coachline/domain/errors';
import type { Role } from '@coachline/domain/roles';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import * as repo from './identity.repository';
import type { LiveSessions } from './live-sessions';

const LAST_ADMIN = 'This is the last ADMIN of the organization; make someone else ADMIN first.';

/**
 * The tenant's members. A role change or a removal reaches access tokens
 * already issued through MemberAccess (within seconds), and open sockets
 * through LiveSessions, after commit.
 */
export class MemberService {
  constructor(
    private readonly db: Database,
    private readonly live: LiveSessions,
  ) {}

  async list(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.readAsTenant(actor, (tx) => repo.listMembers(tx, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(({ userId, name, email, role }) => ({ userId, name, email, role })), nextCursor: result.nextCursor };
  }

  /** Gives a member another role; the tenant always keeps an ADMIN. */
  async changeRole(actor: Actor, userId: string, input: LazyInput<{ role: Role }>) {
    return this.db.withTenant(actor, async (tx) => {
      const member = await this.lockMember(tx, userId);
      const { role } = input();
      const changed = { userId, name: member.name, email: member.email, role };
      if (role === member.role) return changed;
      if (member.role === 'ADMIN' && member.noOtherAdmin) throw new ConflictError(LAST_ADMIN);
      await repo.setMemberRole(tx, userId, role);
      await recordAudit(tx, { actorId: actor.userId, action: 'member.role_changed', entityType: 'member', entityId: userId, summary: { from: member.role, to: role } });
      // Open sockets connect again, and act and join rooms as the new role.
      afterCommit(tx, () => this.live.closeMember(actor.tenantId, userId));
      return changed;
    });
  }

  /** Removes a member: their sessions in the tenant end, their history stays. */
  async remove(actor: Actor, userId: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      const member = await this.lockMember(tx, userId);
      if (member.role === 'ADMIN' && member.noOtherAdmin) throw new ConflictError(LAST_ADMIN);
      const now = new Date();
      await repo.markMemberRemoved(tx, userId, now);
      const sessions = await repo.revokeSessionsOfUser(tx, userId, now);
      await repo.deleteCalendarFeedOf(tx, userId);
      await recordAudit(tx, { actorId: actor.userId, action: 'member.removed', entityType: 'member', entityId: userId, summary: { role: member.role, sessionsEnded: sessions.length } });
      afterCommit(tx, () => this.live.closeMember(actor.tenantId, userId));
    });
  }

  /**
   * The member, locked, and whether the tenant has no ADMIN but them. The
   * ADMINs are locked first, always in the same order, so concurrent changes
   * queue behind each other rather than each counting the other as an ADMIN.
   */
  private async lockMember(tx: TenantTx, userId: string) {
    const admins = await repo.lockAdmins(tx);
    const member = await repo.findMemberForUpdate(tx, userId);
    if (!member) throw new NotFoundError('No such member.');
    return { ...member, noOtherAdmin: !admins.some((id) => id !== userId) };
  }
}

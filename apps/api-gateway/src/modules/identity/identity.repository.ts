import { and, asc, eq, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import { queryRows, type SystemTx, type TenantTx, type Tx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { currentMember } from '@coachline/db/memberships';
import { calendarFeeds, invitations, memberships, refreshTokens, tenants, users } from '@coachline/db/schema/index';
import type { Role } from '@coachline/domain/roles';

/**
 * Users are global; under RLS a tenant transaction sees only its own members
 * (and the caller's row), a system transaction everyone.
 */
export async function findUserByEmail(tx: Tx, email: string) {
  const [user] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return user;
}

/** Whether an email has an account in any tenant, and only that: a narrow SECURITY DEFINER function. */
export async function userIdByEmail(tx: TenantTx, email: string): Promise<string | undefined> {
  const result = await tx.execute<{ id: string | null }>(sql`SELECT coachline_user_id_by_email(${email}) AS id`);
  return result.rows[0]?.id ?? undefined;
}

export async function findUser(tx: Tx, userId: string) {
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  return user;
}

/** The transaction's own tenant. */
export async function findTenant(tx: TenantTx) {
  const [tenant] = await tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.id, tx.scope.tenantId));
  return tenant;
}

/** The current membership of `userId` in the transaction's tenant. */
export async function findMembership(tx: TenantTx, userId: string) {
  const [membership] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId), currentMember));
  return membership;
}

/** Current memberships, oldest first. Across tenants, so it needs the system role's transaction. */
export async function membershipsOfUser(systemTx: SystemTx, userId: string) {
  return systemTx
    .select()
    .from(memberships)
    .where(and(eq(memberships.userId, userId), currentMember))
    .orderBy(asc(memberships.createdAt), asc(memberships.id));
}

export async function insertMembership(tx: TenantTx, userId: string, role: Role) {
  await tx.insert(memberships).values({ tenantId: tx.scope.tenantId, id: newId(), userId, role });
}

/**
 * Makes `userId` a member: a new membership, or the removed one made current
 * again (its row stays for the history that references it). False when they
 * are a current member already.
 */
export async function joinTenant(tx: TenantTx, userId: string, role: Role): Promise<boolean> {
  const joined = await tx
    .insert(memberships)
    .values({ tenantId: tx.scope.tenantId, id: newId(), userId, role })
    .onConflictDoUpdate({ target: [memberships.tenantId, memberships.userId], set: { role, removedAt: null }, setWhere: isNotNull(memberships.removedAt) })
    .returning({ id: memberships.id });
  return joined.length > 0;
}

/**
 * Locks the tenant's current ADMIN memberships, in id order, and returns their
 * users. Every role change and removal takes these locks first, so that two
 * ADMINs demoting each other at once run one after the other: the second sees
 * the first's demotion and finds itself the last ADMIN. NO KEY UPDATE, so that
 * rows referencing a membership can still be written meanwhile.
 */
export async function lockAdmins(tx: TenantTx): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.role, 'ADMIN'), currentMember))
    .orderBy(asc(memberships.id))
    .for('no key update');
  return rows.map((row) => row.userId);
}

/** A current member with their name and email, locked for a change. */
export async function findMemberForUpdate(tx: TenantTx, userId: string) {
  const [member] = await tx
    .select({ userId: memberships.userId, role: memberships.role, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId), currentMember))
    .for('no key update', { of: memberships });
  return member;
}

export async function setMemberRole(tx: TenantTx, userId: string, role: Role) {
  await tx.update(memberships).set({ role }).where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId)));
}

export async function markMemberRemoved(tx: TenantTx, userId: string, at: Date) {
  await tx.update(memberships).set({ removedAt: at }).where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId)));
}

/** A private calendar address is a bearer credential too: it goes with the membership. */
export async function deleteCalendarFeedOf(tx: TenantTx, userId: string) {
  await tx.delete(calendarFeeds).where(and(eq(calendarFeeds.tenantId, tx.scope.tenantId), eq(calendarFeeds.userId, userId)));
}

export async function insertRefreshToken(tx: TenantTx, row: { userId: string; familyId: string; tokenHash: string; expiresAt: Date }) {
  await tx.insert(refreshTokens).values({ tenantId: tx.scope.tenantId, id: newId(), ...row });
}

export async function findRefreshTokenForUpdate(tx: TenantTx, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(refreshTokens)
    .where(and(eq(refreshTokens.tenantId, tx.scope.tenantId), eq(refreshTokens.tokenHash, tokenHash)))
    .for('update');
  return row;
}

export async function spendRefreshToken(tx: TenantTx, id: string, at: Date) {
  await tx.update(refreshTokens).set({ spentAt: at }).where(and(eq(refreshTokens.tenantId, tx.scope.tenantId), eq(refreshTokens.id, id)));
}

export async function revokeFamily(tx: TenantTx, familyId: string, at: Date) {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.tenantId, tx.scope.tenantId), eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/**
 * Revokes every live refresh-token family of `userId` in the transaction's
 * tenant but `keepFamilyId`, and returns the families it ended.
 */
export async function revokeSessionsOfUser(tx: TenantTx, userId: string, at: Date, keepFamilyId?: string): Promise<string[]> {
  const rows = await tx
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(
      and(
        eq(refreshTokens.tenantId, tx.scope.tenantId),
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
        keepFamilyId ? ne(refreshTokens.familyId, keepFamilyId) : undefined,
      ),
    )
    .returning({ familyId: refreshTokens.familyId });
  return [...new Set(rows.map((row) => row.familyId))];
}

/**
 * revokeSessionsOfUser in every tenant at once, for a change of the password,
 * which is the account's and so holds in each: the system role's transaction.
 */
export async function revokeSessionsEverywhere(systemTx: SystemTx, userId: string, at: Date, keep?: { tenantId: string; familyId: string }) {
  const rows = await systemTx
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(
      and(
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
        keep ? or(ne(refreshTokens.tenantId, keep.tenantId), ne(refreshTokens.familyId, keep.familyId)) : undefined,
      ),
    )
    .returning({ tenantId: refreshTokens.tenantId, familyId: refreshTokens.familyId });
  return [...new Map(rows.map((row) => [`${row.tenantId}:${row.familyId}`, { tenantId: row.tenantId, sessionId: row.familyId }])).values()];
}

/**
 * The transaction acts as `userId` for the rows that belong to a person rather
 * than a tenant: under the users table's row-level security, only that user's
 * own row can then be updated.
 */
export async function actAsUser(tx: TenantTx, userId: string) {
  await tx.execute(sql`SELECT set_config('app.user_id', ${userId}, true)`);
}

/**
 * Replaces the password hash; with `expected`, only if it is still that one
 * (a concurrent change wins, this one reports false). Needs actAsUser first.
 */
export async function setPasswordHash(tx: TenantTx, userId: string, passwordHash: string, expected?: string): Promise<boolean> {
  const updated = await tx
    .update(users)
    .set({ passwordHash })
    .where(and(eq(users.id, userId), expected === undefined ? undefined : eq(users.passwordHash, expected)))
    .returning({ id: users.id });
  return updated.length > 0;
}

export async function insertInvitation(tx: TenantTx, row: Omit<typeof invitations.$inferInsert, 'tenantId'>) {
  await tx.insert(invitations).values({ ...row, tenantId: tx.scope.tenantId });
}

export async function findInvitation(tx: TenantTx, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tx.scope.tenantId), eq(invitations.tokenHash, tokenHash)));
  return row;
}

export async function findInvitationForUpdate(tx: TenantTx, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tx.scope.tenantId), eq(invitations.tokenHash, tokenHash)))
    .for('update');
  return row;
}

export async function markInvitationAccepted(tx: TenantTx, id: string, userId: string, at: Date) {
  await tx.update(invitations).set({ acceptedAt: at, acceptedBy: userId }).where(and(eq(invitations.tenantId, tx.scope.tenantId), eq(invitations.id, id)));
}

/**
 * One page of the member list, keyset-ordered by membership id. It is the
 * API's hottest read, so it is plain SQL, prepared once per connection, and
 * its rows come back as pg builds them.
 */
const membersPage = (name: string, after: string) => ({
  name,
  text: `SELECT m.id, m.user_id AS "userId", m.role, u.name, u.email
    FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.tenant_id = $1 AND m.removed_at IS NULL${after}
    ORDER BY m.id LIMIT $2`,
});
// Two statements, so that each keeps an index range scan in its generic plan.
const firstMembersPage = membersPage('coachline_members_first_page', '');
const nextMembersPage = membersPage('coachline_members_next_page', ' AND m.id > $3');

export interface MemberRow {
  id: string;
  userId: string;
  role: Role;
  name: string;
  email: string;
}

export async function listMembers(tx: TenantTx, limit: number, afterId?: string): Promise<MemberRow[]> {
  const { tenantId } = tx.scope;
  return afterId ? queryRows<MemberRow>(tx, nextMembersPage, [tenantId, limit + 1, afterId]) : queryRows<MemberRow>(tx, firstMembersPage, [tenantId, limit + 1]);
}

import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { invitations, memberships, refreshTokens, tenants, users } from '@coachline/db/schema/index';
import type { Role } from '@coachline/domain/roles';

export async function findUserByEmail(tx: Tx, email: string) {
  const [user] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return user;
}

export async function findUser(tx: Tx, userId: string) {
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  return user;
}

export async function findTenant(tx: Tx, tenantId: string) {
  const [tenant] = await tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId));
  return tenant;
}

export async function findMembership(tx: Tx, tenantId: string, userId: string) {
  const [membership] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return membership;
}

/** Across tenants, so it needs the system role's transaction. */
export async function membershipsOfUser(systemTx: Tx, userId: string) {
  return systemTx.select().from(memberships).where(eq(memberships.userId, userId)).orderBy(asc(memberships.createdAt), asc(memberships.id));
}

export async function insertMembership(tx: Tx, tenantId: string, userId: string, role: Role) {
  await tx.insert(memberships).values({ tenantId, id: newId(), userId, role });
}

export async function insertRefreshToken(tx: Tx, row: { tenantId: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date }) {
  await tx.insert(refreshTokens).values({ id: newId(), ...row });
}

export async function findRefreshTokenForUpdate(tx: Tx, tenantId: string, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(refreshTokens)
    .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.tokenHash, tokenHash)))
    .for('update');
  return row;
}

export async function spendRefreshToken(tx: Tx, tenantId: string, id: string, at: Date) {
  await tx.update(refreshTokens).set({ spentAt: at }).where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.id, id)));
}

export async function revokeFamily(tx: Tx, tenantId: string, familyId: string, at: Date) {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

export async function findInvitationForUpdate(tx: Tx, tenantId: string, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.tokenHash, tokenHash)))
    .for('update');
  return row;
}

export async function pendingInvitationFor(tx: Tx, tenantId: string, email: string, now: Date) {
  const [row] = await tx
    .select({ id: invitations.id })
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), sql`lower(${invitations.email}) = ${email}`, isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)));
  return row;
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
    WHERE m.tenant_id = $1${after}
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

export async function listMembers(tx: Tx, tenantId: string, limit: number, afterId?: string): Promise<MemberRow[]> {
  return afterId ? queryRows<MemberRow>(tx, nextMembersPage, [tenantId, limit + 1, afterId]) : queryRows<MemberRow>(tx, firstMembersPage, [tenantId, limit + 1]);
}

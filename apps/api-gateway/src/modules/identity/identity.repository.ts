import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type SystemTx, type TenantTx, type Tx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { invitations, memberships, refreshTokens, tenants, users } from '@coachline/db/schema/index';
import type { Role } from '@coachline/domain/roles';

/** Users are global (no tenant, no row-level security): any transaction finds them. */
export async function findUserByEmail(tx: Tx, email: string) {
  const [user] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return user;
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

export async function findMembership(tx: TenantTx, userId: string) {
  const [membership] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId)));
  return membership;
}

/** Across tenants, so it needs the system role's transaction. */
export async function membershipsOfUser(systemTx: SystemTx, userId: string) {
  return systemTx.select().from(memberships).where(eq(memberships.userId, userId)).orderBy(asc(memberships.createdAt), asc(memberships.id));
}

export async function insertMembership(tx: TenantTx, userId: string, role: Role) {
  await tx.insert(memberships).values({ tenantId: tx.scope.tenantId, id: newId(), userId, role });
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

export async function listMembers(tx: TenantTx, limit: number, afterId?: string): Promise<MemberRow[]> {
  const { tenantId } = tx.scope;
  return afterId ? queryRows<MemberRow>(tx, nextMembersPage, [tenantId, limit + 1, afterId]) : queryRows<MemberRow>(tx, firstMembersPage, [tenantId, limit + 1]);
}

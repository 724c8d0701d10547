import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { currentMember } from '@coachline/db/memberships';
import { newId } from '@coachline/db/ids';
import { availabilityExceptions, coachAvailability, memberships, type AvailabilityRule } from '@coachline/db/schema/index';
import type { Role } from '@coachline/domain/roles';

/** Roles whose members can hold a calendar: coaches, and admins of a studio who coach themselves. */
export const COACHING_ROLES: Role[] = ['COACH', 'ADMIN'];

export async function findMemberRole(tx: TenantTx, userId: string): Promise<Role | undefined> {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId), currentMember));
  return row?.role;
}

export async function isCoach(tx: TenantTx, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tx.scope.tenantId), eq(memberships.userId, userId), inArray(memberships.role, COACHING_ROLES), currentMember));
  return row !== undefined;
}

export async function findAvailability(tx: TenantTx, coachId: string) {
  const [row] = await tx
    .select()
    .from(coachAvailability)
    .where(and(eq(coachAvailability.tenantId, tx.scope.tenantId), eq(coachAvailability.coachId, coachId)));
  return row;
}

export interface AvailabilityValues {
  timezone: string;
  slotMinutes: number;
  rules: AvailabilityRule[];
  minNoticeMinutes?: number;
  cancellationNoticeMinutes?: number;
  requiresCredit?: boolean;
}

/** Insert or replace; notice and credit settings not given keep their stored values. */
export async function upsertAvailability(tx: TenantTx, coachId: string, values: AvailabilityValues) {
  const now = new Date();
  const notices = {
    ...(values.minNoticeMinutes !== undefined ? { minNoticeMinutes: values.minNoticeMinutes } : {}),
    ...(values.cancellationNoticeMinutes !== undefined ? { cancellationNoticeMinutes: values.cancellationNoticeMinutes } : {}),
    ...(values.requiresCredit !== undefined ? { requiresCredit: values.requiresCredit } : {}),
  };
  const [row] = await tx
    .insert(coachAvailability)
    .values({ tenantId: tx.scope.tenantId, id: newId(), coachId, timezone: values.timezone, slotMinutes: values.slotMinutes, rules: values.rules, ...notices, updatedAt: now })
    .onConflictDoUpdate({
      target: [coachAvailability.tenantId, coachAvailability.coachId],
      set: { timezone: values.timezone, slotMinutes: values.slotMinutes, rules: values.rules, ...notices, updatedAt: now },
    })
    .returning();
  if (!row) throw new Error('availability upsert returned nothing');
  return row;
}

/** Time off overlapping [from, to), or all future time off when no range is given. */
export async function listTimeOff(tx: TenantTx, coachId: string, range: { from: Date; to?: Date }) {
  return tx
    .select()
    .from(availabilityExceptions)
    .where(
      and(
        eq(availabilityExceptions.tenantId, tx.scope.tenantId),
        eq(availabilityExceptions.coachId, coachId),
        gt(availabilityExceptions.endsAt, range.from),
        range.to ? lt(availabilityExceptions.startsAt, range.to) : undefined,
      ),
    )
    .orderBy(asc(availabilityExceptions.startsAt))
    .limit(1000);
}

export async function insertTimeOff(tx: TenantTx, row: { coachId: string; startsAt: Date; endsAt: Date; reason: string | null }) {
  const [inserted] = await tx
    .insert(availabilityExceptions)
    .values({ tenantId: tx.scope.tenantId, id: newId(), ...row })
    .returning();
  if (!inserted) throw new Error('time off insert returned nothing');
  return inserted;
}

export async function deleteTimeOff(tx: TenantTx, coachId: string, id: string): Promise<boolean> {
  const deleted = await tx
    .delete(availabilityExceptions)
    .where(and(eq(availabilityExceptions.tenantId, tx.scope.tenantId), eq(availabilityExceptions.coachId, coachId), eq(availabilityExceptions.id, id)))
    .returning({ id: availabilityExceptions.id });
  return deleted.length > 0;
}

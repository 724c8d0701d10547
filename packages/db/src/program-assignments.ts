import { and, eq } from 'drizzle-orm';
import type { NewRow, TenantTx } from './database';
import { newId } from './ids';
import { programAssignments } from './schema/index';

/** Assigns a program to an athlete: by a coach (the training API) or by a purchase (billing). */
export async function insertAssignment(tx: TenantTx, row: NewRow<typeof programAssignments>) {
  const [inserted] = await tx.insert(programAssignments).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return inserted!;
}

/** Whether the program is assigned to the athlete: athletes see only such programs. */
export async function isAssigned(tx: TenantTx, programId: string, athleteId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: programAssignments.id })
    .from(programAssignments)
    .where(and(eq(programAssignments.tenantId, tx.scope.tenantId), eq(programAssignments.programId, programId), eq(programAssignments.athleteId, athleteId)))
    .limit(1);
  return row !== undefined;
}

/** The programs a purchase grants, each once however often this runs. */
export async function assignForPurchase(tx: TenantTx, purchase: { id: string; userId: string }, programIds: readonly string[], startDate: string): Promise<void> {
  if (programIds.length === 0) return;
  await tx
    .insert(programAssignments)
    .values(programIds.map((programId) => ({ tenantId: tx.scope.tenantId, id: newId(), programId, athleteId: purchase.userId, startDate, assignedBy: purchase.userId, purchaseId: purchase.id })))
    .onConflictDoNothing();
}

/** Takes back what a purchase assigned; assignments made by coaches stay. */
export async function removeForPurchase(tx: TenantTx, purchaseId: string): Promise<number> {
  const removed = await tx
    .delete(programAssignments)
    .where(and(eq(programAssignments.tenantId, tx.scope.tenantId), eq(programAssignments.purchaseId, purchaseId)))
    .returning({ id: programAssignments.id });
  return removed.length;
}

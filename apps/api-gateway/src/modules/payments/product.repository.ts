import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { NewRow, TenantTx } from '@coachline/db/database';
import { products, programs } from '@coachline/db/schema/index';
import type { ProductRow } from '@coachline/db/payments';

export async function insertProduct(tx: TenantTx, row: NewRow<typeof products>): Promise<ProductRow> {
  const [inserted] = await tx.insert(products).values({ ...row, tenantId: tx.scope.tenantId }).returning();
  return inserted!;
}

export async function listProducts(tx: TenantTx, filter: { activeOnly: boolean; kind?: ProductRow['kind'] }, limit: number, afterId?: string) {
  return tx
    .select()
    .from(products)
    .where(
      and(
        eq(products.tenantId, tx.scope.tenantId),
        filter.activeOnly ? eq(products.active, true) : undefined,
        filter.kind ? eq(products.kind, filter.kind) : undefined,
        afterId ? gt(products.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(products.id))
    .limit(limit + 1);
}

export async function updateProduct(tx: TenantTx, id: string, values: { name?: string; description?: string | null; active?: boolean }): Promise<ProductRow> {
  const [row] = await tx
    .update(products)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(products.tenantId, tx.scope.tenantId), eq(products.id, id)))
    .returning();
  return row!;
}

/** Which of `ids` name programs of the tenant. */
export async function existingPrograms(tx: TenantTx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .select({ id: programs.id })
    .from(programs)
    .where(and(eq(programs.tenantId, tx.scope.tenantId), inArray(programs.id, [...ids])));
  return new Set(rows.map((r) => r.id));
}

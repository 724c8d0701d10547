import type { Database, TenantTx } from '@coachline/db/database';
import { tenants } from '@coachline/db/schema/index';
import { emit } from '@coachline/db/outbox';
import { recordNewTriageItems, triageOf } from '@coachline/db/triage';
import type { TriageThresholds } from '@coachline/domain/triage';
import { asc, gt } from 'drizzle-orm';

const PAGE = 500;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Finds triage items that are new and announces each once: it records them in
 * triage_items (unique by athlete, kind and subject) and emits
 * `triage.item_detected` in the same transaction, so an item is announced if
 * and only if it was recorded. Runs after every rollup change of an athlete
 * (the analytics consumer) and hourly for every tenant (the sweep), since time
 * alone brings some items: an athlete gone quiet, workouts missed.
 */
export class TriageDetector {
  constructor(
    private readonly thresholds: TriageThresholds,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The new items of the transaction's tenant (or of one athlete), announced; returns how many. */
  async detect(tx: TenantTx, athleteId?: string): Promise<number> {
    const today = this.now().toISOString().slice(0, 10);
    const fresh = await recordNewTriageItems(tx, await triageOf(tx, today, this.thresholds, athleteId));
    for (const item of fresh) await emit(tx, 'triage.item_detected', { itemId: item.id, athleteId: item.athleteId, kind: item.kind, detail: item.detail, since: item.since });
    return fresh.length;
  }

  /** Every tenant, each in its own transaction; `tenantIds` narrows the sweep (tests). */
  async sweep(db: Database, tenantIds?: readonly string[]): Promise<{ tenants: number; detected: number }> {
    let after = NIL_UUID;
    let count = 0;
    let detected = 0;
    for (;;) {
      // Spans every tenant: only to list them; each is then read under its own tenant.
      const page = tenantIds
        ? tenantIds.filter((id) => id > after).sort().slice(0, PAGE)
        : (await db.withSystem((tx) => tx.select({ id: tenants.id }).from(tenants).where(gt(tenants.id, after)).orderBy(asc(tenants.id)).limit(PAGE))).map((t) => t.id);
      for (const tenantId of page) {
        detected += await db.withTenant({ tenantId }, (tx) => this.detect(tx));
        count++;
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!;
    }
    return { tenants: count, detected };
  }
}

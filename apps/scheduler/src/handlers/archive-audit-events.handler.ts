import { sql, type Database } from '@coachline/db/database';

const BATCH = 5_000;
const DAY = 86_400_000;

/**
 * maintenance queue, job `archive-audit-events`: moves audit events older than the retention into audit_events_archive,
 * delete and insert in one statement per batch, so a row is always in
 * exactly one of the two tables. SKIP LOCKED lets two runs share the work.
 */
export async function archiveAuditEvents(db: Database, retentionDays: number, now = new Date()): Promise<{ archived: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY).toISOString();
  let archived = 0;
  for (;;) {
    // Spans every tenant: retention is a platform-wide rule.
    const result = await db.withSystem((tx) =>
      tx.execute(sql`
        WITH moved AS (
          DELETE FROM audit_events WHERE (tenant_id, id) IN (
            SELECT tenant_id, id FROM audit_events WHERE at < ${cutoff}::timestamptz
            ORDER BY at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
          RETURNING tenant_id, id, actor_id, action, entity_type, entity_id, request_id, summary, at)
        INSERT INTO audit_events_archive (tenant_id, id, actor_id, action, entity_type, entity_id, request_id, summary, at)
        SELECT tenant_id, id, actor_id, action, entity_type, entity_id, request_id, summary, at FROM moved
        ON CONFLICT DO NOTHING`),
    );
    archived += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < BATCH) return { archived };
  }
}

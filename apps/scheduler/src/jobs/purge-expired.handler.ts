import { sql, type Database } from '@coachline/db/database';

const BATCH = 5_000;

export interface PurgeResult {
  idempotencyKeys: number;
  refreshTokens: number;
}

/**
 * Deletes expired idempotency keys and refresh tokens of every tenant, in
 * batches so no statement holds locks for long.
 */
export async function purgeExpired(db: Database, now = new Date()): Promise<PurgeResult> {
  const purge = async (table: 'idempotency_keys' | 'refresh_tokens') => {
    let total = 0;
    for (;;) {
      // Spans every tenant: expiry is a platform-wide sweep.
      const result = await db.withSystem((tx) =>
        tx.execute(
          sql`DELETE FROM ${sql.identifier(table)} WHERE (tenant_id, id) IN (
                SELECT tenant_id, id FROM ${sql.identifier(table)} WHERE expires_at < ${now.toISOString()}::timestamptz
                LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
        ),
      );
      total += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < BATCH) return total;
    }
  };
  return { idempotencyKeys: await purge('idempotency_keys'), refreshTokens: await purge('refresh_tokens') };
}

import { sql, type Database } from '@coachline/db/database';

const BATCH = 5_000;

export interface PurgeResult {
  idempotencyKeys: number;
  refreshTokens: number;
  passwordResets: number;
  publishedEvents: number;
}

/**
 * How long a published outbox event is kept: well past the reconciler's
 * horizon (a day), since it may re-publish until then, and long enough for an
 * operator to trace an event. Unpublished events are never purged.
 */
export const PUBLISHED_EVENT_RETENTION_DAYS = 7;

/**
 * maintenance queue, job `purge-expired`: deletes expired idempotency keys, refresh tokens and password resets of every tenant, and
 * published outbox events past their retention, in batches so no statement
 * holds locks for long.
 */
export async function purgeExpired(db: Database, now = new Date()): Promise<PurgeResult> {
  const inBatches = async (statement: () => ReturnType<typeof sql>) => {
    let total = 0;
    for (;;) {
      // Spans every tenant: expiry is a platform-wide sweep.
      const result = await db.withSystem((tx) => tx.execute(statement()));
      total += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < BATCH) return total;
    }
  };
  const purge = (table: 'idempotency_keys' | 'refresh_tokens' | 'password_resets') =>
    inBatches(
      () => sql`DELETE FROM ${sql.identifier(table)} WHERE (tenant_id, id) IN (
                SELECT tenant_id, id FROM ${sql.identifier(table)} WHERE expires_at < ${now.toISOString()}::timestamptz
                LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    );
  const publishedBefore = new Date(now.getTime() - PUBLISHED_EVENT_RETENTION_DAYS * 86_400_000).toISOString();
  return {
    idempotencyKeys: await purge('idempotency_keys'),
    refreshTokens: await purge('refresh_tokens'),
    passwordResets: await purge('password_resets'),
    publishedEvents: await inBatches(
      () => sql`DELETE FROM outbox_events WHERE (tenant_id, id) IN (
                SELECT tenant_id, id FROM outbox_events WHERE created_at < ${publishedBefore}::timestamptz AND published_at IS NOT NULL
                LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    ),
  };
}

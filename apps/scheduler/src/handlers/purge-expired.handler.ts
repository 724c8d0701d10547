import { sql, type Database } from '@coachline/db/database';

const BATCH = 5_000;

export interface PurgeResult {
  idempotencyKeys: number;
  refreshTokens: number;
  passwordResets: number;
  publishedEvents: number;
  oauthStates: number;
  pushEvents: number;
}

/**
 * How long a published outbox event is kept: well past the reconciler's
 * horizon (a day), since it may re-publish until then, and long enough for an
 * operator to trace an event. Unpublished events are never purged.
 */
export const PUBLISHED_EVENT_RETENTION_DAYS = 7;

/**
 * How long a provider push's record is kept. A replay is refused by its record
 * only inside the replay window (at most a day, by configuration); past it the
 * provider's timestamp check refuses it, so an older record guards nothing.
 */
export const PUSH_EVENT_RETENTION_DAYS = 7;

/**
 * maintenance queue, job `purge-expired`: deletes expired idempotency keys, refresh tokens, password resets and
 * OAuth states of every tenant, and published outbox events and provider push records past their retention, in batches so no statement
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
  const purge = (table: 'idempotency_keys' | 'refresh_tokens' | 'password_resets' | 'integration_oauth_states') =>
    inBatches(
      () => sql`DELETE FROM ${sql.identifier(table)} WHERE (tenant_id, id) IN (
                SELECT tenant_id, id FROM ${sql.identifier(table)} WHERE expires_at < ${now.toISOString()}::timestamptz
                LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    );
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const publishedBefore = daysAgo(PUBLISHED_EVENT_RETENTION_DAYS);
  const pushesBefore = daysAgo(PUSH_EVENT_RETENTION_DAYS);
  return {
    idempotencyKeys: await purge('idempotency_keys'),
    refreshTokens: await purge('refresh_tokens'),
    passwordResets: await purge('password_resets'),
    publishedEvents: await inBatches(
      () => sql`DELETE FROM outbox_events WHERE (tenant_id, id) IN (
                SELECT tenant_id, id FROM outbox_events WHERE created_at < ${publishedBefore}::timestamptz AND published_at IS NOT NULL
                LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    ),
    oauthStates: await purge('integration_oauth_states'),
    pushEvents: await inBatches(
      () => sql`DELETE FROM integration_push_events WHERE (tenant_id, id) IN (
                SELECT tenant_id, id FROM integration_push_events WHERE created_at < ${pushesBefore}::timestamptz
                LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    ),
  };
}

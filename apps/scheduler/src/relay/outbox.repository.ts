import type pg from 'pg';
import { deferWrite, type SystemTx, type Tx } from '@coachline/db/database';
import type { EventEnvelope, EventType } from '@coachline/domain/events';

export interface OutboxRow {
  tenant_id: string;
  id: string;
  type: string;
  payload: Record<string, unknown>;
  request_id: string | null;
  traceparent: string | null;
  created_at: Date;
  publish_attempts: number;
}

/** A claimed row, with what routing to the `webhooks` queue needs to know. */
export interface ClaimedRow extends OutboxRow {
  /** Whether the tenant had a webhook endpoint when the event happened (see HAD_WEBHOOK_ENDPOINT). */
  had_webhook_endpoint: boolean;
}

/** Optional confinement of a relay to some tenants (tests run several relays against one database). */
export type TenantFilter = () => readonly string[];

/** The transaction's pg client: these queries pass arrays as single parameters, which drizzle's `sql` would expand. */
const pgOf = (tx: Tx) => (tx as unknown as { $client: pg.PoolClient }).$client;

const COLUMNS = 'tenant_id, id, type, payload, request_id, traceparent, created_at, publish_attempts';

/**
 * Whether the tenant of the outbox row `o` had a webhook endpoint when the
 * event happened: in any state and for any types, so only the creation of an
 * endpoint turns it from false to true. The consumer delivers an event to
 * endpoints created up to the event's millisecond; comparing with the row's
 * microseconds plus one millisecond includes them all.
 */
const HAD_WEBHOOK_ENDPOINT = `EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant_id = o.tenant_id AND e.created_at < o.created_at + interval '1 millisecond')`;

function scopeClause(scope: TenantFilter | undefined, params: unknown[]): string {
  if (!scope) return '';
  params.push(scope());
  return ` AND tenant_id = ANY($${params.length}::uuid[])`;
}

/**
 * Locks up to `limit` unpublished events, oldest first. SKIP LOCKED lets any
 * number of relays claim disjoint batches; the locks last until the caller's
 * transaction ends, so a relay that dies leaves its rows to the others.
 */
export async function claimUnpublished(tx: SystemTx, limit: number, scope?: TenantFilter): Promise<OutboxRow[]> {
  const params: unknown[] = [limit];
  const where = scopeClause(scope, params);
  const result = await pgOf(tx).query<OutboxRow>(
    `SELECT ${COLUMNS} FROM outbox_events WHERE published_at IS NULL${where} ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    params,
  );
  return result.rows;
}

/**
 * claimUnpublished and markPublished in one statement, for the relay's hot
 * loop: the mark is part of the caller's transaction, so it commits only if
 * the caller's publishing succeeds, and the row locks are held until then as
 * with a plain claim. Oldest first.
 *
 * Two plans are pinned, because statistics that still count a burst's rows
 * as pending made the planner scan the whole outbox on every claim:
 * - the claimed rows are updated by their ctid (locked, so it cannot move),
 *   a TID scan; joined back by key, the planner took a hash join over a
 *   sequential scan;
 * - the pending rows are read by an index scan, never a bitmap scan: only an
 *   index scan marks the entries of published rows dead as it passes them, so
 *   the next claim skips them instead of visiting every row published since
 *   the last vacuum.
 */
export async function claimForPublishing(tx: SystemTx, limit: number, scope?: TenantFilter): Promise<ClaimedRow[]> {
  const params: unknown[] = [limit];
  const where = scopeClause(scope, params);
  // Travels with the claim, in its round trip; SET LOCAL ends with the transaction.
  deferWrite(tx, { text: 'SET LOCAL enable_bitmapscan = off' }, []);
  const result = await pgOf(tx).query<ClaimedRow>(
    `UPDATE outbox_events o SET published_at = now(), publish_attempts = publish_attempts + 1
     WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM outbox_events WHERE published_at IS NULL${where} ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED
     ))
     RETURNING ${COLUMNS}, ${HAD_WEBHOOK_ENDPOINT} AS had_webhook_endpoint`,
    params,
  );
  return result.rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
}

export async function markPublished(tx: SystemTx, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pgOf(tx).query(
    `UPDATE outbox_events o SET published_at = now(), publish_attempts = o.publish_attempts + 1
     FROM unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, id)
     WHERE o.tenant_id = k.tenant_id AND o.id = k.id`,
    [rows.map((r) => r.tenant_id), rows.map((r) => r.id)],
  );
}

/**
 * Published events of `types` that `consumer` has not recorded in
 * processed_events although `afterSeconds` have passed, within `horizonSeconds`
 * and below `maxAttempts` publishes. Locked so two reconcilers never race.
 * Of `onlyWithWebhookEndpoint`'s types, only events whose tenant had a webhook
 * endpoint by then: the relay publishes no others to the `webhooks` queue.
 */
export async function claimUnprocessed(
  tx: SystemTx,
  options: {
    types: readonly EventType[];
    consumer: string;
    afterSeconds: number;
    horizonSeconds: number;
    maxAttempts: number;
    limit: number;
    onlyWithWebhookEndpoint?: readonly EventType[];
    scope?: TenantFilter;
  },
): Promise<OutboxRow[]> {
  const params: unknown[] = [options.types, options.consumer, options.afterSeconds, options.horizonSeconds, options.maxAttempts, options.limit];
  let where = scopeClause(options.scope, params);
  if (options.onlyWithWebhookEndpoint?.length) {
    params.push(options.onlyWithWebhookEndpoint);
    where += ` AND (o.type <> ALL($${params.length}::text[]) OR ${HAD_WEBHOOK_ENDPOINT})`;
  }
  const result = await pgOf(tx).query<OutboxRow>(
    `SELECT ${COLUMNS} FROM outbox_events o
     WHERE o.published_at IS NOT NULL
       AND o.type = ANY($1::text[])
       AND o.published_at < now() - make_interval(secs => $3)
       AND o.created_at > now() - make_interval(secs => $4)
       AND o.publish_attempts < $5${where}
       AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.tenant_id = o.tenant_id AND p.event_id = o.id::text AND p.consumer = $2)
     ORDER BY o.created_at
     LIMIT $6
     FOR UPDATE OF o SKIP LOCKED`,
    params,
  );
  return result.rows;
}

/** Pending count and the age of the oldest pending event, for the lag gauges. */
export async function pendingStats(tx: SystemTx): Promise<{ pending: number; lagSeconds: number }> {
  const result = await pgOf(tx).query<{ pending: string; lag: string | null }>(
    `SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at)) AS lag FROM outbox_events WHERE published_at IS NULL`,
  );
  const row = result.rows[0];
  return { pending: Number(row?.pending ?? 0), lagSeconds: Math.max(0, Number(row?.lag ?? 0)) };
}

/** What travels to the queues: the row plus the request and trace that caused it. */
export function toEnvelope(row: OutboxRow): EventEnvelope {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type as EventType,
    payload: row.payload,
    occurredAt: row.created_at.toISOString(),
    ...(row.request_id ? { requestId: row.request_id } : {}),
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}

import { sql } from 'drizzle-orm';
import type { SyncEntity } from '@coachline/domain/api/sync';
import { ValidationError } from '@coachline/domain/errors';
import type { TenantTx } from './database';

/** The viewer of the rows that roles seeing every row of an entity read. */
export const EVERY_VIEWER = '00000000-0000-0000-0000-000000000000';

/**
 * Where a reader of the feed stands: everything ordered at or before (xid,
 * position) has been served. `floor` is the horizon of the read that began a
 * full snapshot: tombstones older than it are of rows the client never had.
 */
export interface FeedCursor {
  xid: bigint;
  position: bigint;
  floor: bigint;
}

export const START_OF_FEED: FeedCursor = { xid: 0n, position: 0n, floor: 0n };

const CURSOR = /^(\d{1,20})\.(\d{1,20})\.(\d{1,20})$/;

export function encodeFeedCursor(cursor: FeedCursor): string {
  return Buffer.from(`${cursor.xid}.${cursor.position}.${cursor.floor}`).toString('base64url');
}

export function decodeFeedCursor(raw: string): FeedCursor {
  const match = CURSOR.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  const [xid, position, floor] = match ? [BigInt(match[1]!), BigInt(match[2]!), BigInt(match[3]!)] : [];
  if (xid === undefined || position === undefined || floor === undefined || xid > 2n ** 63n || position > 2n ** 63n || floor > 2n ** 63n) {
    throw new ValidationError('The cursor is malformed.', [{ path: 'since', message: 'Malformed cursor' }]);
  }
  return { xid, position, floor };
}

export interface FeedRow {
  entity: SyncEntity;
  entityId: string;
  op: 'upsert' | 'delete';
  xid: bigint;
  position: bigint;
}

export interface FeedPage {
  rows: FeedRow[];
  /** Every transaction below it has ended: the rows it wrote are all visible, and none will be added. */
  horizon: bigint;
}

/**
 * The reader's next rows, in (xid, position) order, only from transactions
 * older than the statement snapshot's xmin: a transaction still open may hold
 * rows ordered before ones already committed, and serving past them would skip
 * them for good. One statement, so the horizon and the rows share one snapshot.
 * A reader sees the rows whose viewer it is, and for the entities it sees every
 * row of (`everyRowOf`), only the EVERY_VIEWER rows, so no change comes twice.
 */
export async function readFeed(tx: TenantTx, viewer: string, everyRowOf: readonly SyncEntity[], after: FeedCursor, limit: number): Promise<FeedPage> {
  const tenantId = tx.scope.tenantId;
  const entities = `{${everyRowOf.join(',')}}`;
  const branch = (which: 'own' | 'every') => sql`
    SELECT entity, entity_id, op, xid, position FROM sync_row_versions
     WHERE tenant_id = ${tenantId}
       AND ${which === 'own' ? sql`viewer = ${viewer} AND entity <> ALL (${entities}::text[])` : sql`viewer = ${EVERY_VIEWER}::uuid AND entity = ANY (${entities}::text[])`}
       AND (xid, position) > (${after.xid.toString()}::xid8, ${after.position.toString()}::bigint)
       AND xid < h.horizon
       AND NOT (op = 'delete' AND xid < ${after.floor.toString()}::xid8)
     ORDER BY xid, position
     LIMIT ${limit}`;
  const result = await tx.execute<{ horizon: string; entity: SyncEntity | null; entity_id: string | null; op: 'upsert' | 'delete' | null; xid: string | null; position: string | null }>(sql`
    WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
    SELECT h.horizon::text AS horizon, v.entity, v.entity_id, v.op, v.xid::text AS xid, v.position::text AS position
      FROM h
      LEFT JOIN LATERAL (
        SELECT * FROM ((${branch('own')}) UNION ALL (${branch('every')})) both_kinds ORDER BY xid, position LIMIT ${limit}
      ) v ON true
     ORDER BY v.xid, v.position`);
  const first = result.rows[0];
  return {
    horizon: BigInt(first?.horizon ?? '0'),
    rows: result.rows
      .filter((row) => row.entity !== null)
      .map((row) => ({ entity: row.entity!, entityId: row.entity_id!, op: row.op!, xid: BigInt(row.xid!), position: BigInt(row.position!) })),
  };
}

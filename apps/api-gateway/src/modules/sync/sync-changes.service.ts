import type { Database } from '@coachline/db/database';
import { decodeFeedCursor, encodeFeedCursor, readFeed, START_OF_FEED, type FeedCursor } from '@coachline/db/sync-feed';
import type { Actor } from '@coachline/domain/actor';
import { SYNC_ENTITIES, type SyncEntity } from '@coachline/domain/api/sync';
import { SYNC_ENTITY_LOADERS } from './sync-entities.repository';

/** Above every transaction id: a floor that leaves out every tombstone. */
const EVERYTHING = 2n ** 63n - 1n;

export interface SyncChange {
  entity: SyncEntity;
  op: 'upsert' | 'delete';
  id: string;
  data?: unknown;
}

/**
 * The entities whose every row the actor's REST reads show, by permission;
 * of the others the actor sees only what names them (their own workouts,
 * their conversations' messages, the programs assigned to them).
 */
export function everyRowOf(actor: Actor): SyncEntity[] {
  const can = (permission: Actor['permissions'][number]) => actor.permissions.includes(permission);
  return SYNC_ENTITIES.filter((entity) => {
    switch (entity) {
      case 'exercise':
        return true;
      case 'workout':
      case 'set':
      case 'body_metric':
        return can('workout:read:any');
      case 'program':
        return can('program:read:any');
      case 'assignment':
        return can('program:assign');
      case 'session':
        return can('session:read:any');
      case 'message':
      case 'notification':
        return false;
    }
  });
}

/** GET /v1/sync/changes: the caller's change feed (README.md beside this file). */
export class SyncChangesService {
  constructor(private readonly db: Database) {}

  async changes(actor: Actor, query: { since?: string; limit: number }) {
    const snapshot = query.since === undefined;
    const after: FeedCursor = snapshot ? START_OF_FEED : decodeFeedCursor(query.since!);
    // A full snapshot leaves out the tombstones of what was gone before it began: on its first page all of
    // them (every row read is below that read's horizon), on its later pages those below that horizon.
    const floor = snapshot ? EVERYTHING : after.floor;
    const page = await this.db.readAsTenant(actor, (tx) => readFeed(tx, actor.userId, everyRowOf(actor), { ...after, floor }, query.limit + 1));
    const hasMore = page.rows.length > query.limit;
    const served = page.rows.slice(0, query.limit);
    const last = served[served.length - 1];
    const nextFloor = snapshot ? page.horizon : after.floor;
    // With nothing left below the horizon, the next read may start there: every row ordered before it has been served.
    const next: FeedCursor = hasMore ? { xid: last!.xid, position: last!.position, floor: nextFloor } : { xid: page.horizon, position: 0n, floor: nextFloor };
    return { changes: await this.withData(actor, served), nextCursor: encodeFeedCursor(next), hasMore };
  }

  /** Upserts carry the entity's current state; one that is gone by now is served as the tombstone it has become. */
  private async withData(actor: Actor, rows: { entity: SyncEntity; entityId: string; op: 'upsert' | 'delete' }[]): Promise<SyncChange[]> {
    const wanted = new Map<SyncEntity, string[]>();
    for (const row of rows) if (row.op === 'upsert') wanted.set(row.entity, [...(wanted.get(row.entity) ?? []), row.entityId]);
    const loaded = new Map<SyncEntity, Map<string, unknown>>();
    if (wanted.size > 0) {
      await this.db.withTenant(actor, async (tx) => {
        for (const [entity, ids] of wanted) loaded.set(entity, await SYNC_ENTITY_LOADERS[entity](tx, ids));
      });
    }
    return rows.map((row) => {
      const data = row.op === 'upsert' ? loaded.get(row.entity)?.get(row.entityId) : undefined;
      return data === undefined ? { entity: row.entity, op: 'delete', id: row.entityId } : { entity: row.entity, op: 'upsert', id: row.entityId, data };
    });
  }
}

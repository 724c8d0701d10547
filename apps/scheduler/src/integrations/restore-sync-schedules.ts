import type { Database } from '@coachline/db/database';
import { activeConnectionsPage } from '@coachline/db/integrations';
import type { SyncSchedules } from './sync-schedules';

const PAGE = 500;

/** Upserts the job scheduler of every active connection again: Redis may have lost them (a flush, a failover). */
export async function restoreSyncSchedules(db: Database, schedules: SyncSchedules, options: { stopped: () => boolean }): Promise<number> {
  let restored = 0;
  let after: string | undefined;
  while (!options.stopped()) {
    // Every tenant's connections: the schedules live in one Redis for the whole platform.
    const page = await db.withSystem((tx) => activeConnectionsPage(tx, after, PAGE));
    for (const connection of page) await schedules.start({ tenantId: connection.tenantId }, connection.id);
    restored += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return restored;
}

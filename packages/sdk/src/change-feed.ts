import type { CoachlineClient } from './client';
import type { components } from './generated/openapi';

export type SyncChange = components['schemas']['SyncChange'];

/** Where a change feed keeps its cursor between pulls (and app restarts). */
export interface CursorStore {
  get(): string | undefined | Promise<string | undefined>;
  set(cursor: string): void | Promise<void>;
}

export function memoryCursorStore(initial?: string): CursorStore {
  let cursor = initial;
  return {
    get: () => cursor,
    set: (next) => {
      cursor = next;
    },
  };
}

export interface ChangeFeed {
  /**
   * Reads every change since the kept cursor (everything, the first time),
   * page by page through `GET /v1/sync/changes`. Each page goes to `onPage`
   * before the cursor moves past it, so a page the app failed to store is
   * read again by the next pull. Resolves with the number of changes read.
   */
  pull(onPage: (changes: SyncChange[]) => void | Promise<void>): Promise<number>;
}

/** The caller's change feed, keeping its cursor in `cursor` (in memory unless given). One pull runs at a time. */
export function createChangeFeed(client: Pick<CoachlineClient, 'api'>, options: { cursor?: CursorStore; limit?: number } = {}): ChangeFeed {
  const cursor = options.cursor ?? memoryCursorStore();
  let running: Promise<number> | undefined;

  async function pullAll(onPage: (changes: SyncChange[]) => void | Promise<void>): Promise<number> {
    let read = 0;
    for (;;) {
      const since = await cursor.get();
      const { data } = await client.api.GET('/v1/sync/changes', { params: { query: { ...(since ? { since } : {}), ...(options.limit ? { limit: options.limit } : {}) } } });
      const page = data!;
      await onPage(page.changes);
      await cursor.set(page.nextCursor);
      read += page.changes.length;
      if (!page.hasMore) return read;
    }
  }

  return {
    pull(onPage) {
      if (running) return running.then(() => this.pull(onPage));
      running = pullAll(onPage).finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

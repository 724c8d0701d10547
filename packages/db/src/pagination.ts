import { ValidationError } from '@coachline/domain/errors';

/**
 * Keyset cursors: the sort key of the last item, base64url-encoded. Opaque to
 * clients; a tampered one is a 422, never a SQL error.
 */
export interface Cursor {
  /** UUIDv7 ids sort by creation time, so the id alone is a stable key. */
  id: string;
  at?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || !UUID.test(value.id)) throw new Error();
    if (value.at !== undefined && (typeof value.at !== 'string' || Number.isNaN(Date.parse(value.at)))) throw new Error();
    return value;
  } catch {
    throw new ValidationError('The cursor is malformed.', [{ path: 'cursor', message: 'Malformed cursor' }]);
  }
}

/** Builds `{ items, nextCursor }` from a query that fetched `limit + 1` rows. */
export function page<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}

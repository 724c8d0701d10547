import type { Database } from '@coachline/db/database';
import { triageOf } from '@coachline/db/triage';
import type { Actor } from '@coachline/domain/actor';
import type { triageQuery } from '@coachline/domain/api/triage';
import { ValidationError } from '@coachline/domain/errors';
import type { TriageItem, TriageThresholds } from '@coachline/domain/triage';
import type { AnalyticsCache } from '@coachline/runtime/analytics-cache';
import type { z } from 'zod';

type Listed = Omit<TriageItem, 'subject'>;

/**
 * The list is ranked as a whole and cut into pages, so a cursor is a position
 * in it; it also names the day the ranking was made for, and a cursor from
 * another day (a new ranking) starts over rather than skip or repeat items.
 */
const encodeCursor = (day: string, offset: number) => Buffer.from(JSON.stringify({ day, offset })).toString('base64url');

function decodeCursor(raw: string | undefined, today: string): number {
  if (raw === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { day?: unknown; offset?: unknown };
    if (typeof value.day !== 'string' || !Number.isSafeInteger(value.offset) || (value.offset as number) < 0) throw new Error();
    return value.day === today ? (value.offset as number) : 0;
  } catch {
    throw new ValidationError('The cursor is malformed.', [{ path: 'cursor', message: 'Malformed cursor' }]);
  }
}

/**
 * What needs a coach's attention now, across the organization's athletes,
 * ranked by the rules in @coachline/domain/triage over the daily rollups.
 * Cached with the tenant's analytics: every event that changes an athlete's
 * rollups invalidates it, and the day is part of the key, since time alone
 * changes some items (an athlete gone quiet).
 */
export class TriageService {
  constructor(
    private readonly db: Database,
    private readonly cache: AnalyticsCache,
    private readonly thresholds: TriageThresholds,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(actor: Actor, query: z.output<typeof triageQuery>): Promise<{ items: Listed[]; nextCursor: string | null }> {
    const today = this.now().toISOString().slice(0, 10);
    const offset = decodeCursor(query.cursor, today);
    const ranked = await this.cache.get(actor.tenantId, { kind: 'tenant' }, `triage:${today}`, () =>
      this.db.withTenant(actor, async (tx) => (await triageOf(tx, today, this.thresholds)).map(({ subject: _subject, ...item }): Listed => item)),
    );
    const items = ranked.slice(offset, offset + query.limit);
    return { items, nextCursor: offset + query.limit < ranked.length ? encodeCursor(today, offset + query.limit) : null };
  }
}

import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { NotFoundError } from '@coachline/domain/errors';
import type { Actor } from '@coachline/domain/actor';
import { hashOpaqueToken, issueOpaqueToken, tenantOfToken } from '../identity/opaque-token';
import * as repo from './calendar-feed.repository';
import { renderCalendar } from './ics.format';

const DAY = 86_400_000;
/** What a subscribed calendar shows: the last month and the next year. */
const PAST_DAYS = 31;
const FUTURE_DAYS = 366;

/**
 * A private, revocable iCalendar address per user. The token carries its
 * tenant (like refresh tokens), so the public feed is read under that
 * tenant's row-level security; only its hash is stored.
 */
export class CalendarFeedService {
  constructor(
    private readonly db: Database,
    private readonly publicUrl: string,
  ) {}

  async issue(actor: Actor) {
    const { token, hash } = issueOpaqueToken('cal', actor.tenantId);
    const row = await this.db.withTenant(actor, async (tx) => {
      const feed = await repo.upsertFeed(tx, actor.userId, hash);
      await recordAudit(tx, { actorId: actor.userId, action: 'calendar_feed.issued', entityType: 'calendar_feed', entityId: feed.id });
      return feed;
    });
    return { url: `${this.publicUrl.replace(/\/$/, '')}/v1/calendar/${token}.ics`, createdAt: row.createdAt.toISOString() };
  }

  async revoke(actor: Actor): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      const [deleted] = await repo.deleteFeed(tx, actor.userId);
      if (!deleted) return;
      await recordAudit(tx, { actorId: actor.userId, action: 'calendar_feed.revoked', entityType: 'calendar_feed', entityId: deleted.id });
    });
  }

  /** The feed's iCalendar text; an unknown or revoked token is 404. */
  async render(token: string, now = new Date()): Promise<string> {
    const tenantId = tenantOfToken('cal', token);
    if (!tenantId) throw new NotFoundError('No such calendar.');
    return this.db.withTenant({ tenantId }, async (tx) => {
      const feed = await repo.findFeedByHash(tx, hashOpaqueToken(token));
      if (!feed) throw new NotFoundError('No such calendar.');
      const sessions = await repo.sessionsOf(tx, feed.userId, new Date(now.getTime() - PAST_DAYS * DAY), new Date(now.getTime() + FUTURE_DAYS * DAY));
      const names = await repo.namesOf(tx, [...new Set(sessions.flatMap((s) => [s.coachId, s.athleteId]))]);
      return renderCalendar(
        'Coachline sessions',
        sessions.map((s) => {
          const other = s.coachId === feed.userId ? s.athleteId : s.coachId;
          return {
            uid: `${s.id}@coachline`,
            start: s.startsAt,
            end: s.endsAt,
            summary: `Coaching session with ${names.get(other) ?? 'your partner'}`,
            description: s.status === 'cancelled' && s.cancelReason ? `Cancelled: ${s.cancelReason}` : undefined,
            status: s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
            sequence: s.status === 'cancelled' ? 1 : 0,
            updatedAt: s.cancelledAt ?? s.createdAt,
          };
        }),
        now,
      );
    });
  }
}

import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import type { z } from 'zod';
import type { cancelSessionBody, listSessionsQuery } from '@coachline/domain/api/scheduling';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@coachline/domain/errors';
import { checkBooking, type BookingCheck } from '@coachline/domain/slots';
import { decodeCursor, page } from '@coachline/db/pagination';
import { isExclusionViolation } from '@coachline/db/pg-errors';
import type { Actor } from '@coachline/domain/actor';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import { findAvailability, findMemberRole, isCoach, listTimeOff } from './availability.repository';
import * as repo from './session.repository';
import { returnCredit, spendCredit } from './session-credits';

const WHY_NOT: Record<Exclude<BookingCheck, 'ok'>, string> = {
  outside_availability: "The session is not inside the coach's availability.",
  time_off: 'The coach is away at that time.',
  too_soon: "The session starts sooner than the coach's minimum booking notice.",
};

export function sessionView(row: repo.SessionRow) {
  return {
    id: row.id,
    coachId: row.coachId,
    athleteId: row.athleteId,
    start: row.startsAt.toISOString(),
    end: row.endsAt.toISOString(),
    status: row.status,
    late: row.lateCancellation,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    cancelReason: row.cancelReason,
  };
}

/** Athletes see their own sessions, coaches theirs; roles with session:read:any see all. */
function canSee(actor: Actor, row: repo.SessionRow): boolean {
  return actor.permissions.includes('session:read:any') || actor.userId === row.athleteId || actor.userId === row.coachId;
}

function canCancel(actor: Actor, row: repo.SessionRow): boolean {
  return actor.userId === row.athleteId || actor.userId === row.coachId || actor.role === 'SCHEDULER' || actor.role === 'ADMIN';
}

export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Books [start, start + slotMinutes). Availability is checked here, overlap
   * by the database's exclusion constraint: of any number of racing bookings
   * of one slot, exactly one commits and the others get 409. With a coach who
   * requires credits, the athlete's credit is spent in the same transaction,
   * so a booking that fails spends none and racing bookings cannot share one.
   */
  async book(actor: Actor, body: { coachId: string; start: string; athleteId?: string }) {
    const athleteId = this.athleteFor(actor, body.athleteId);
    const start = new Date(body.start);
    try {
      return await this.db.withTenant(actor, async (tx) => {
        if (!(await isCoach(tx, body.coachId))) {
          throw new ValidationError('No such coach.', [{ path: 'coachId', message: 'not a coach of this organization' }]);
        }
        if ((await findMemberRole(tx, athleteId)) !== 'ATHLETE') {
          throw new ValidationError('No such athlete.', [{ path: 'athleteId', message: 'not an athlete of this organization' }]);
        }
        const settings = await findAvailability(tx, body.coachId);
        if (!settings) throw new ValidationError(WHY_NOT.outside_availability, [{ path: 'start', message: 'the coach has no availability' }]);
        const end = new Date(start.getTime() + settings.slotMinutes * 60_000);
        const timeOff = await listTimeOff(tx, body.coachId, { from: start, to: end });
        const verdict = checkBooking(
          settings,
          timeOff.map((t) => ({ start: t.startsAt.getTime(), end: t.endsAt.getTime() })),
          start.getTime(),
          this.now().getTime(),
        );
        if (verdict !== 'ok') throw new ValidationError(WHY_NOT[verdict], [{ path: 'start', message: WHY_NOT[verdict] }]);

        const sessionId = newId();
        if (settings.requiresCredit) await spendCredit(tx, athleteId, sessionId);
        const row = await repo.insertSession(tx, {
          id: sessionId,
          coachId: body.coachId,
          athleteId,
          startsAt: start,
          endsAt: end,
          status: 'scheduled',
          createdBy: actor.userId,
        });
        await emit(tx, 'session.scheduled', {
          sessionId: row.id,
          coachId: row.coachId,
          athleteId: row.athleteId,
          start: row.startsAt.toISOString(),
          end: row.endsAt.toISOString(),
          actorId: actor.userId,
        });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'session.scheduled',
          entityType: 'coaching_session',
          entityId: row.id,
          summary: { coachId: row.coachId, athleteId: row.athleteId, start: row.startsAt.toISOString() },
        });
        return sessionView(row);
      });
    } catch (error) {
      if (isExclusionViolation(error, 'coaching_sessions_no_overlap')) throw new ConflictError('This time overlaps another session of the coach.');
      throw error;
    }
  }

  /** 404 for a session the caller may not see (another tenant's, or another athlete's). */
  async get(actor: Actor, id: string) {
    const row = await this.db.withTenant(actor, (tx) => repo.findSession(tx, id));
    if (!row || !canSee(actor, row)) throw new NotFoundError('No such session.');
    return sessionView(row);
  }

  /**
   * Frees the slot; cancelling within the coach's cancellation notice is
   * flagged `late`. A timely cancel returns the credit the booking spent; a late one keeps it spent.
   */
  async cancel(actor: Actor, id: string, input: LazyInput<z.output<typeof cancelSessionBody>>) {
    return this.db.withTenant(actor, async (tx) => {
      const row = await repo.findSessionForUpdate(tx, id);
      if (!row || !canSee(actor, row)) throw new NotFoundError('No such session.');
      const body = input();
      if (!canCancel(actor, row)) throw new ForbiddenError('Only the athlete, the coach, a scheduler or an admin may cancel this session.');
      if (row.status !== 'scheduled') throw new ConflictError(`The session is ${row.status}, not scheduled.`);
      const now = this.now();
      if (row.startsAt <= now) throw new ConflictError('The session has already started.');
      const settings = await findAvailability(tx, row.coachId);
      const late = now.getTime() > row.startsAt.getTime() - (settings?.cancellationNoticeMinutes ?? 0) * 60_000;
      const updated = await repo.markCancelled(tx, id, { cancelledAt: now, cancelledBy: actor.userId, cancelReason: body.reason ?? null, late });
      if (!updated) throw new ConflictError('The session was changed meanwhile; retry.');
      if (!late) await returnCredit(tx, updated.athleteId, updated.id);
      await emit(tx, 'session.cancelled', {
        sessionId: updated.id,
        coachId: updated.coachId,
        athleteId: updated.athleteId,
        start: updated.startsAt.toISOString(),
        end: updated.endsAt.toISOString(),
        actorId: actor.userId,
        late,
      });
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'session.cancelled',
        entityType: 'coaching_session',
        entityId: updated.id,
        summary: { late, reason: body.reason ? 'given' : 'none' },
      });
      return sessionView(updated);
    });
  }

  async list(actor: Actor, query: z.infer<typeof listSessionsQuery>) {
    const cursor = decodeCursor(query.cursor);
    if (cursor && !cursor.at) throw new ValidationError('The cursor is malformed.', [{ path: 'cursor', message: 'Malformed cursor' }]);
    const filter: repo.SessionFilter = {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      coachId: query.coachId,
      athleteId: query.athleteId,
      status: query.status,
      participantId: actor.permissions.includes('session:read:any') ? undefined : actor.userId,
    };
    const rows = await this.db.withTenant(actor, (tx) =>
      repo.listSessions(tx, filter, query.limit, cursor?.at ? { at: new Date(cursor.at), id: cursor.id } : undefined),
    );
    const result = page(rows, query.limit, (row) => ({ id: row.id, at: row.startsAt.toISOString() }));
    return { items: result.items.map(sessionView), nextCursor: result.nextCursor };
  }

  /** Athletes book for themselves; coaches, schedulers and admins name the athlete. */
  private athleteFor(actor: Actor, athleteId: string | undefined): string {
    if (actor.permissions.includes('session:write:any')) {
      if (!athleteId) throw new ValidationError('Name the athlete to book for.', [{ path: 'athleteId', message: 'required when booking for an athlete' }]);
      return athleteId;
    }
    if (athleteId && athleteId !== actor.userId) throw new ForbiddenError('Athletes book sessions only for themselves.');
    return actor.userId;
  }
}

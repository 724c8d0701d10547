import { recordAudit } from '@coachline/db/audit';
import type { Database, TenantTx } from '@coachline/db/database';
import type { z } from 'zod';
import type { AvailabilityBody, slotsQuery, timeOffBody } from '@coachline/domain/api/scheduling';
import { ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import { generateSlots } from '@coachline/domain/slots';
import type { Actor } from '@coachline/domain/actor';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import * as repo from './availability.repository';
import { busySpans } from './session.repository';

type TimeOffRow = Awaited<ReturnType<typeof repo.listTimeOff>>[number];
type AvailabilityRow = NonNullable<Awaited<ReturnType<typeof repo.findAvailability>>>;

export class AvailabilityService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(actor: Actor, coachId: string) {
    return this.db.withTenant(actor, async (tx) => {
      await requireCoach(tx, coachId);
      const row = await repo.findAvailability(tx, coachId);
      if (!row) throw new NotFoundError('This coach has not set their availability yet.');
      return this.present(tx, actor, row);
    });
  }

  async put(actor: Actor, coachId: string, input: LazyInput<AvailabilityBody>) {
    return this.db.withTenant(actor, async (tx) => {
      await requireEditable(tx, actor, coachId);
      const row = await repo.upsertAvailability(tx, coachId, input());
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'availability.updated',
        entityType: 'coach_availability',
        entityId: row.id,
        summary: { coachId, timezone: row.timezone, slotMinutes: row.slotMinutes, rules: row.rules.length, minNoticeMinutes: row.minNoticeMinutes, cancellationNoticeMinutes: row.cancellationNoticeMinutes, requiresCredit: row.requiresCredit },
      });
      return this.present(tx, actor, row);
    });
  }

  async addTimeOff(actor: Actor, coachId: string, input: LazyInput<z.output<typeof timeOffBody>>) {
    return this.db.withTenant(actor, async (tx) => {
      await requireEditable(tx, actor, coachId);
      const body = input();
      const row = await repo.insertTimeOff(tx, { coachId, startsAt: new Date(body.start), endsAt: new Date(body.end), reason: body.reason ?? null });
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'availability.time_off_added',
        entityType: 'availability_exception',
        entityId: row.id,
        summary: { coachId, start: row.startsAt.toISOString(), end: row.endsAt.toISOString() },
      });
      return timeOffView(row, true);
    });
  }

  async removeTimeOff(actor: Actor, coachId: string, timeOffId: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      await requireEditable(tx, actor, coachId);
      if (!(await repo.deleteTimeOff(tx, coachId, timeOffId))) throw new NotFoundError('No such time off.');
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'availability.time_off_removed',
        entityType: 'availability_exception',
        entityId: timeOffId,
        summary: { coachId },
      });
    });
  }

  /** Free slots in [from, to) in UTC; a coach without availability has none. */
  async slots(actor: Actor, coachId: string, query: LazyInput<z.output<typeof slotsQuery>>) {
    return this.db.withTenant(actor, async (tx) => {
      await requireCoach(tx, coachId);
      const range = query();
      const from = new Date(range.from);
      const to = new Date(range.to);
      const settings = await repo.findAvailability(tx, coachId);
      if (!settings) return { items: [] };
      // A slot starting just before `to` ends up to one slot later, so sessions and time off are read that far.
      const until = new Date(to.getTime() + settings.slotMinutes * 60_000);
      const [busy, timeOff] = await Promise.all([busySpans(tx, coachId, from, until), repo.listTimeOff(tx, coachId, { from, to: until })]);
      const slots = generateSlots(settings, {
        from: from.getTime(),
        to: to.getTime(),
        now: this.now().getTime(),
        busy: busy.map((s) => ({ start: s.startsAt.getTime(), end: s.endsAt.getTime() })),
        exceptions: timeOff.map((t) => ({ start: t.startsAt.getTime(), end: t.endsAt.getTime() })),
      });
      return { items: slots.map((s) => ({ start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })) };
    });
  }

  /** Reasons for time off are private to the coach and those who manage calendars. */
  private async present(tx: TenantTx, actor: Actor, row: AvailabilityRow) {
    const timeOff = await repo.listTimeOff(tx, row.coachId, { from: this.now() });
    const showReasons = actor.userId === row.coachId || actor.permissions.includes('availability:write:any');
    return {
      coachId: row.coachId,
      timezone: row.timezone,
      slotMinutes: row.slotMinutes,
      rules: row.rules,
      minNoticeMinutes: row.minNoticeMinutes,
      cancellationNoticeMinutes: row.cancellationNoticeMinutes,
      requiresCredit: row.requiresCredit,
      timeOff: timeOff.map((t) => timeOffView(t, showReasons)),
    };
  }
}

/** 404 unless the id names a coach of the caller's tenant. */
async function requireCoach(tx: TenantTx, coachId: string): Promise<void> {
  if (!(await repo.isCoach(tx, coachId))) throw new NotFoundError('No such coach.');
}

/** The coach themself, or a role that manages every coach's calendar (SCHEDULER, ADMIN). */
async function requireEditable(tx: TenantTx, actor: Actor, coachId: string): Promise<void> {
  await requireCoach(tx, coachId);
  if (actor.userId !== coachId && !actor.permissions.includes('availability:write:any')) {
    throw new ForbiddenError("Only the coach, a scheduler or an admin may change this coach's availability.");
  }
}

function timeOffView(row: TimeOffRow, showReason: boolean) {
  return { id: row.id, start: row.startsAt.toISOString(), end: row.endsAt.toISOString(), reason: showReason ? row.reason : null };
}

import { and, eq } from 'drizzle-orm';
import { outboxEvents } from '@coachline/db/schema/index';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const DAY = 86_400_000;
const HOUR = 3_600_000;
const today = () => Math.floor(Date.now() / DAY) * DAY;
/** `days` ahead at `hour`:00 UTC. */
const at = (days: number, hour: number) => new Date(today() + days * DAY + hour * HOUR).toISOString();
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

/** A tenant whose coach is available around the clock in UTC, with hour slots. */
async function bookableTeam(settings: Record<string, unknown> = {}) {
  const team = await gw.tenantWithTeam();
  const res = await gw
    .http()
    .put(`/v1/coaches/${team.coach.id}/availability`)
    .set(gw.auth(team.coach))
    .send({ timezone: 'UTC', slotMinutes: 60, rules: allWeek, ...settings });
  if (res.status !== 200) throw new Error(`availability: ${res.status} ${JSON.stringify(res.body)}`);
  return team;
}

const book = (user: TestUser, body: Record<string, unknown>) => gw.http().post('/v1/sessions').set(gw.auth(user)).send(body);
const cancel = (user: TestUser, id: string, body: Record<string, unknown> = {}) => gw.http().post(`/v1/sessions/${id}/cancel`).set(gw.auth(user)).send(body);

async function outbox(tenantId: string, type: string) {
  return gw.deps.db.withTenant({ tenantId }, (tx) =>
    tx
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.tenantId, tenantId), eq(outboxEvents.type, type))),
  );
}

describe('POST /v1/sessions', () => {
  test('an athlete books for themself: 201, the slot disappears, session.scheduled is in the outbox and the audit log', async () => {
    const { admin, coach, athlete } = await bookableTeam();
    const start = at(3, 10);
    const res = await book(athlete, { coachId: coach.id, start });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), coachId: coach.id, athleteId: athlete.id, start, end: at(3, 11), status: 'scheduled' });

    const slots = await gw.http().get(`/v1/coaches/${coach.id}/slots?from=${at(3, 0)}&to=${at(4, 0)}`).set(gw.auth(athlete));
    expect(slots.body.items.map((s: { start: string }) => s.start)).not.toContain(start);
    expect(slots.body.items).toHaveLength(23);

    const events = await outbox(admin.tenantId, 'session.scheduled');
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({ sessionId: res.body.id, coachId: coach.id, athleteId: athlete.id, start, end: at(3, 11), actorId: athlete.id });
    const audit = await gw.http().get('/v1/admin/audit-events').set(gw.auth(admin));
    expect(audit.body.items).toContainEqual(expect.objectContaining({ action: 'session.scheduled', entityId: res.body.id, actorId: athlete.id }));
  });

  test('25 clients racing for one slot: exactly one 201, 24 409', async () => {
    const { admin, coach, athlete, athlete2 } = await bookableTeam();
    const scheduler = await gw.addMember(admin, 'SCHEDULER');
    const start = at(5, 9);
    const bookers = [athlete, athlete2, coach, scheduler, admin];
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => {
        const who = bookers[i % bookers.length]!;
        const athleteId = who.role === 'ATHLETE' ? undefined : i % 2 ? athlete.id : athlete2.id;
        return book(who, { coachId: coach.id, start, ...(athleteId ? { athleteId } : {}) });
      }),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(24);
    for (const loser of results.filter((r) => r.status === 409)) expect(loser.body.code).toBe('CONFLICT');

    const sessions = await gw.http().get(`/v1/sessions?from=${at(5, 0)}&to=${at(6, 0)}`).set(gw.auth(admin));
    expect(sessions.body.items).toHaveLength(1);
    expect(await outbox(admin.tenantId, 'session.scheduled')).toHaveLength(1);
  });

  test('a booking overlapping part of another session is 409; one starting as the other ends is fine', async () => {
    const { coach, athlete, athlete2 } = await bookableTeam();
    expect((await book(athlete, { coachId: coach.id, start: at(2, 10) })).status).toBe(201);
    const halfPast = new Date(Date.parse(at(2, 10)) + 30 * 60_000).toISOString();
    expect((await book(athlete2, { coachId: coach.id, start: halfPast })).status).toBe(409);
    expect((await book(athlete2, { coachId: coach.id, start: at(2, 11) })).status).toBe(201);
  });

  test('outside availability, in time off, within the minimum notice or in the past: 422', async () => {
    const { coach, athlete } = await bookableTeam({ rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), minNoticeMinutes: 24 * 60 });
    const expect422 = async (start: string) => {
      const res = await book(athlete, { coachId: coach.id, start });
      expect({ start, status: res.status }).toEqual({ start, status: 422 });
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['start']);
    };
    await expect422(at(3, 3));
    await expect422(at(3, 16).replace(':00:00', ':30:00'));
    await expect422(at(-1, 10));
    await expect422(new Date(Date.now() + HOUR).toISOString());
    await gw.http().post(`/v1/coaches/${coach.id}/time-off`).set(gw.auth(coach)).send({ start: at(4, 0), end: at(5, 0) });
    await expect422(at(4, 10));
    expect((await book(athlete, { coachId: coach.id, start: at(3, 16) })).status).toBe(201);
    // No availability at all.
    const { coach: idle, athlete: other } = await gw.tenantWithTeam();
    expect((await book(other, { coachId: idle.id, start: at(3, 10) })).status).toBe(422);
  });

  test('who books for whom: athletes only for themselves; staff must name an athlete; ids must be a coach and an athlete', async () => {
    const { admin, coach, athlete, athlete2 } = await bookableTeam();
    const scheduler = await gw.addMember(admin, 'SCHEDULER');
    expect((await book(athlete, { coachId: coach.id, start: at(2, 8), athleteId: athlete2.id })).status).toBe(403);
    expect((await book(athlete, { coachId: coach.id, start: at(2, 8), athleteId: athlete.id })).status).toBe(201);
    const noAthlete = await book(coach, { coachId: coach.id, start: at(2, 9) });
    expect(noAthlete.status).toBe(422);
    expect(noAthlete.body.errors[0].path).toBe('athleteId');
    expect((await book(coach, { coachId: coach.id, start: at(2, 9), athleteId: athlete2.id })).status).toBe(201);
    expect((await book(scheduler, { coachId: coach.id, start: at(2, 10), athleteId: athlete.id })).status).toBe(201);
    expect((await book(admin, { coachId: coach.id, start: at(2, 11), athleteId: athlete.id })).status).toBe(201);
    expect((await book(admin, { coachId: coach.id, start: at(2, 12), athleteId: coach.id })).status).toBe(422);
    expect((await book(admin, { coachId: athlete.id, start: at(2, 12), athleteId: athlete2.id })).status).toBe(422);
    expect((await book(admin, { coachId: coach.id, start: at(2, 12), athleteId: athlete.id, status: 'cancelled' })).status).toBe(422);
    expect((await book(admin, { coachId: coach.id, start: 'tomorrow', athleteId: athlete.id })).status).toBe(422);
    // Another tenant's coach and athlete do not exist here.
    const stranger = await gw.signup();
    expect((await book(stranger, { coachId: coach.id, start: at(2, 13), athleteId: athlete.id })).status).toBe(422);
  });
});

describe('POST /v1/sessions/:id/cancel', () => {
  test('cancelling frees the slot, emits session.cancelled and is late only inside the cancellation notice', async () => {
    const { admin, coach, athlete, athlete2 } = await bookableTeam({ cancellationNoticeMinutes: 4 * 24 * 60 });
    const early = await book(athlete, { coachId: coach.id, start: at(6, 10) });
    const soon = await book(athlete, { coachId: coach.id, start: at(2, 10) });

    const cancelledEarly = await cancel(athlete, early.body.id, { reason: 'Travelling' });
    expect(cancelledEarly.status).toBe(200);
    expect(cancelledEarly.body).toMatchObject({ id: early.body.id, status: 'cancelled', late: false, cancelReason: 'Travelling' });
    const cancelledSoon = await cancel(coach, soon.body.id);
    expect(cancelledSoon.body).toMatchObject({ status: 'cancelled', late: true });

    const events = await outbox(admin.tenantId, 'session.cancelled');
    expect(events.map((e) => e.payload).sort((a, b) => String(a.start).localeCompare(String(b.start)))).toEqual([
      expect.objectContaining({ sessionId: soon.body.id, late: true, actorId: coach.id }),
      expect.objectContaining({ sessionId: early.body.id, late: false, actorId: athlete.id }),
    ]);
    // The slot is free again.
    expect((await book(athlete2, { coachId: coach.id, start: at(6, 10) })).status).toBe(201);
    expect((await cancel(athlete, early.body.id)).status).toBe(409);
    const audit = await gw.http().get('/v1/admin/audit-events').set(gw.auth(admin));
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'session.cancelled')).toHaveLength(2);
  });

  test('the athlete, the coach, a SCHEDULER and an ADMIN may cancel; another coach may not; other athletes and tenants see 404', async () => {
    const { admin, coach, athlete, athlete2 } = await bookableTeam();
    const otherCoach = await gw.addMember(admin, 'COACH');
    const scheduler = await gw.addMember(admin, 'SCHEDULER');
    const stranger = await gw.signup();
    const ids: string[] = [];
    for (let hour = 8; hour < 12; hour++) ids.push((await book(athlete, { coachId: coach.id, start: at(3, hour) })).body.id);

    expect((await cancel(athlete2, ids[0]!)).status).toBe(404);
    expect((await cancel(stranger, ids[0]!)).status).toBe(404);
    expect((await gw.http().get(`/v1/sessions/${ids[0]}`).set(gw.auth(stranger))).status).toBe(404);
    expect((await cancel(otherCoach, ids[0]!)).status).toBe(403);
    expect((await cancel(athlete, ids[0]!, { reason: 'x'.repeat(10_001) })).status).toBe(422);
    expect((await cancel(athlete, '00000000-0000-4000-8000-000000000000')).status).toBe(404);

    expect((await cancel(athlete, ids[0]!)).status).toBe(200);
    expect((await cancel(coach, ids[1]!)).status).toBe(200);
    expect((await cancel(scheduler, ids[2]!)).status).toBe(200);
    expect((await cancel(admin, ids[3]!)).status).toBe(200);
  });
});

describe('GET /v1/sessions', () => {
  test('athletes see their own; staff see all, filtered by time, coach and status, page by page', async () => {
    const { admin, coach, athlete, athlete2 } = await bookableTeam();
    const mine = await book(athlete, { coachId: coach.id, start: at(2, 9) });
    await book(athlete2, { coachId: coach.id, start: at(2, 10) });
    await book(athlete2, { coachId: coach.id, start: at(3, 10) });
    const gone = await book(athlete2, { coachId: coach.id, start: at(4, 10) });
    await cancel(athlete2, gone.body.id);

    const own = await gw.http().get('/v1/sessions').set(gw.auth(athlete));
    expect(own.body.items.map((s: { id: string }) => s.id)).toEqual([mine.body.id]);

    const all = await gw.http().get('/v1/sessions').set(gw.auth(coach));
    expect(all.body.items.map((s: { start: string }) => s.start)).toEqual([at(2, 9), at(2, 10), at(3, 10), at(4, 10)]);
    const day2 = await gw.http().get(`/v1/sessions?from=${at(2, 0)}&to=${at(3, 0)}`).set(gw.auth(admin));
    expect(day2.body.items).toHaveLength(2);
    const scheduled = await gw.http().get(`/v1/sessions?status=scheduled&coachId=${coach.id}`).set(gw.auth(admin));
    expect(scheduled.body.items).toHaveLength(3);

    const first = await gw.http().get('/v1/sessions?limit=3').set(gw.auth(admin));
    expect(first.body.items).toHaveLength(3);
    const second = await gw.http().get(`/v1/sessions?limit=3&cursor=${first.body.nextCursor}`).set(gw.auth(admin));
    expect(second.body.items.map((s: { start: string }) => s.start)).toEqual([at(4, 10)]);
    expect(second.body.nextCursor).toBeNull();

    expect((await gw.http().get('/v1/sessions?from=soon').set(gw.auth(admin))).status).toBe(422);
    expect((await gw.http().get('/v1/sessions?cursor=garbage').set(gw.auth(admin))).status).toBe(422);
    const stranger = await gw.signup();
    expect((await gw.http().get('/v1/sessions').set(gw.auth(stranger))).body.items).toEqual([]);
  });
});

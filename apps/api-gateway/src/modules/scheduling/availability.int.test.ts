import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const weekdays = [1, 2, 3, 4, 5, 6, 7];
const DAY = 86_400_000;

/** The zone's UTC offset in minutes at `at`, read through Intl so the test does not share the code's library. */
function offsetMinutes(zone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')!.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** The first UTC midnight after which the zone's offset differs from the day before: the next DST change. */
function nextOffsetChange(zone: string): Date {
  let day = new Date(Math.floor(Date.now() / DAY) * DAY + 4 * DAY);
  for (let i = 0; i < 400; i++) {
    const next = new Date(day.getTime() + DAY);
    if (offsetMinutes(zone, day) !== offsetMinutes(zone, next)) return day;
    day = next;
  }
  throw new Error(`no offset change in ${zone}`);
}

async function putAvailability(user: TestUser, coachId: string, body: Record<string, unknown>) {
  return gw.http().put(`/v1/coaches/${coachId}/availability`).set(gw.auth(user)).send(body);
}

describe('PUT /v1/coaches/:id/availability', () => {
  const body = { timezone: 'Europe/Berlin', slotMinutes: 60, rules: [{ weekday: 1, start: '09:00', end: '12:00' }] };

  test('the coach themself, a SCHEDULER and an ADMIN may set it; it reads back with defaults for the notices', async () => {
    const { admin, coach } = await gw.tenantWithTeam();
    const scheduler = await gw.addMember(admin, 'SCHEDULER');
    const own = await putAvailability(coach, coach.id, body);
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ coachId: coach.id, ...body, minNoticeMinutes: 0, cancellationNoticeMinutes: 0, requiresCredit: false, timeOff: [] });
    expect((await putAvailability(scheduler, coach.id, { ...body, minNoticeMinutes: 30 })).status).toBe(200);
    const byAdmin = await putAvailability(admin, coach.id, { ...body, slotMinutes: 45, cancellationNoticeMinutes: 1440 });
    expect(byAdmin.status).toBe(200);
    // Notices not sent keep their stored values.
    expect(byAdmin.body).toMatchObject({ slotMinutes: 45, minNoticeMinutes: 30, cancellationNoticeMinutes: 1440 });
    const read = await gw.http().get(`/v1/coaches/${coach.id}/availability`).set(gw.auth(admin));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ timezone: 'Europe/Berlin', slotMinutes: 45 });

    const audit = await gw.http().get('/v1/admin/audit-events').set(gw.auth(admin));
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'availability.updated')).toHaveLength(3);
  });

  test('another coach and an athlete get 403; an unknown id, a non-coach and another tenant get 404', async () => {
    const { admin, coach, athlete } = await gw.tenantWithTeam();
    const otherCoach = await gw.addMember(admin, 'COACH');
    expect((await putAvailability(otherCoach, coach.id, body)).status).toBe(403);
    expect((await putAvailability(athlete, athlete.id, body)).status).toBe(403);
    expect((await putAvailability(admin, '00000000-0000-4000-8000-000000000000', body)).status).toBe(404);
    expect((await putAvailability(admin, athlete.id, body)).status).toBe(404);
    const stranger = await gw.signup();
    expect((await putAvailability(stranger, coach.id, body)).status).toBe(404);
    expect((await gw.http().get(`/v1/coaches/${coach.id}/slots?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`).set(gw.auth(stranger))).status).toBe(404);
    expect((await gw.http().get(`/v1/coaches/${coach.id}/availability`).set(gw.auth(stranger))).status).toBe(404);
  });

  test('an unknown zone, an end before its start, overlapping rules and unknown fields are 422 and change nothing', async () => {
    const { coach } = await gw.tenantWithTeam();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...body, timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ ...body, timezone: '+02:00' }, 'timezone'],
      [{ ...body, rules: [{ weekday: 1, start: '12:00', end: '09:00' }] }, 'rules.0.end'],
      [{ ...body, rules: [{ weekday: 1, start: '09:00', end: '09:00' }] }, 'rules.0.end'],
      [{ ...body, rules: [{ weekday: 1, start: '09:00', end: '12:00' }, { weekday: 1, start: '11:00', end: '13:00' }] }, 'rules.1'],
      [{ ...body, rules: [{ weekday: 8, start: '09:00', end: '12:00' }] }, 'rules.0.weekday'],
      [{ ...body, rules: [{ weekday: 1, start: '9:00', end: '25:00' }] }, 'rules.0.start'],
      [{ ...body, slotMinutes: 0 }, 'slotMinutes'],
      [{ ...body, minNoticeMinutes: -1 }, 'minNoticeMinutes'],
      [{ ...body, tenantId: coach.tenantId }, ''],
    ];
    for (const [invalid, path] of cases) {
      const res = await putAvailability(coach, coach.id, invalid);
      expect({ path, status: res.status }).toEqual({ path, status: 422 });
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    // Touching rules and a rule to midnight are fine.
    const ok = await putAvailability(coach, coach.id, { ...body, rules: [{ weekday: 1, start: '09:00', end: '12:00' }, { weekday: 1, start: '12:00', end: '24:00' }] });
    expect(ok.status).toBe(200);
  });
});

describe('GET /v1/coaches/:id/slots', () => {
  test('a range over 31 days, to before from and missing bounds are 422', async () => {
    const { coach, athlete } = await gw.tenantWithTeam();
    const slots = (qs: string) => gw.http().get(`/v1/coaches/${coach.id}/slots${qs}`).set(gw.auth(athlete));
    expect((await slots('?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:01Z')).status).toBe(422);
    expect((await slots('?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z')).status).toBe(422);
    expect((await slots('?from=2030-01-01T00:00:00Z')).status).toBe(422);
    expect((await slots('?from=yesterday&to=tomorrow')).status).toBe(422);
    const month = await slots('?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z');
    expect(month.status).toBe(200);
    // No availability yet: no slots.
    expect(month.body).toEqual({ items: [] });
  });

  test.each([
    ['Europe/Berlin', '09:00'],
    ['America/New_York', '08:00'],
  ])('in %s, %s on the wall clock keeps its local time across the next DST change', async (zone, time) => {
    const { coach, athlete } = await gw.tenantWithTeam();
    const end = `${String(Number(time.slice(0, 2)) + 1).padStart(2, '0')}:00`;
    expect((await putAvailability(coach, coach.id, { timezone: zone, slotMinutes: 60, rules: weekdays.map((weekday) => ({ weekday, start: time, end })) })).status).toBe(200);
    const change = nextOffsetChange(zone);
    const from = new Date(change.getTime() - 3 * DAY);
    const to = new Date(change.getTime() + 4 * DAY);
    const res = await gw.http().get(`/v1/coaches/${coach.id}/slots?from=${from.toISOString()}&to=${to.toISOString()}`).set(gw.auth(athlete));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(7);
    const localTimes = res.body.items.map((s: { start: string }) => new Date(s.start).toLocaleTimeString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }));
    expect(new Set(localTimes)).toEqual(new Set([time]));
    // The UTC hour moved by the change, so it is not the same on both sides.
    const utcHours = new Set(res.body.items.map((s: { start: string }) => new Date(s.start).getUTCHours()));
    expect(utcHours.size).toBe(2);
    for (const slot of res.body.items) expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(3_600_000);
  });

  test('time off and the minimum notice remove slots; removing the time off brings them back', async () => {
    const { coach, athlete } = await gw.tenantWithTeam();
    await putAvailability(coach, coach.id, { timezone: 'UTC', slotMinutes: 60, rules: weekdays.map((weekday) => ({ weekday, start: '00:00', end: '24:00' })), minNoticeMinutes: 48 * 60 });
    const today = Math.floor(Date.now() / DAY) * DAY;
    const from = new Date(today + DAY).toISOString();
    const to = new Date(today + 5 * DAY).toISOString();
    const slots = async () => (await gw.http().get(`/v1/coaches/${coach.id}/slots?from=${from}&to=${to}`).set(gw.auth(athlete))).body.items as Array<{ start: string }>;
    const before = await slots();
    const earliest = Date.now() + 48 * 3_600_000;
    expect(before.every((s) => Date.parse(s.start) >= earliest)).toBe(true);
    expect(before.length).toBeGreaterThanOrEqual(48);

    const timeOff = await gw
      .http()
      .post(`/v1/coaches/${coach.id}/time-off`)
      .set(gw.auth(coach))
      .send({ start: new Date(today + 4 * DAY).toISOString(), end: new Date(today + 5 * DAY).toISOString(), reason: 'Dentist' });
    expect(timeOff.status).toBe(201);
    const during = await slots();
    expect(during).toHaveLength(before.length - 24);
    expect(during.some((s) => Date.parse(s.start) >= today + 4 * DAY)).toBe(false);

    // Athletes see that the coach is away, not why.
    const seen = await gw.http().get(`/v1/coaches/${coach.id}/availability`).set(gw.auth(athlete));
    expect(seen.body.timeOff).toEqual([{ id: timeOff.body.id, start: timeOff.body.start, end: timeOff.body.end, reason: null }]);
    expect((await gw.http().post(`/v1/coaches/${coach.id}/time-off`).set(gw.auth(coach)).send({ start: to, end: from })).status).toBe(422);
    expect((await gw.http().delete(`/v1/coaches/${coach.id}/time-off/${timeOff.body.id}`).set(gw.auth(athlete))).status).toBe(403);

    expect((await gw.http().delete(`/v1/coaches/${coach.id}/time-off/${timeOff.body.id}`).set(gw.auth(coach))).status).toBe(204);
    expect(await slots()).toHaveLength(before.length);
    expect((await gw.http().delete(`/v1/coaches/${coach.id}/time-off/${timeOff.body.id}`).set(gw.auth(coach))).status).toBe(404);
  });
});

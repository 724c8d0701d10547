import { startGateway, type Gateway } from '../../testing/gateway-harness';
import { renderCalendar } from './ics.format';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ PUBLIC_APP_URL: 'https://coachline.example' });
});
afterAll(() => gw.close());

const DAY = 86_400_000;
const at = (days: number, hour: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + hour * 3_600_000).toISOString();
const ics = (iso: string) => iso.replace(/[-:]/g, '').replace('.000', '');
const pathOf = (url: string) => new URL(url).pathname;

describe('calendar feed', () => {
  test("a private .ics address lists the user's sessions, with cancellations, and nobody else's", async () => {
    const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
    await gw
      .http()
      .put(`/v1/coaches/${coach.id}/availability`)
      .set(gw.auth(coach))
      .send({ timezone: 'UTC', slotMinutes: 45, rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '06:00', end: '20:00' })) });
    const mine = await gw.http().post('/v1/sessions').set(gw.auth(athlete)).send({ coachId: coach.id, start: at(2, 9) });
    const cancelled = await gw.http().post('/v1/sessions').set(gw.auth(athlete)).send({ coachId: coach.id, start: at(3, 9) });
    await gw.http().post(`/v1/sessions/${cancelled.body.id}/cancel`).set(gw.auth(athlete)).send({ reason: 'Sick, sorry; next week?' });
    const theirs = await gw.http().post('/v1/sessions').set(gw.auth(athlete2)).send({ coachId: coach.id, start: at(2, 11) });

    const issued = await gw.http().post('/v1/calendar-feed').set(gw.auth(athlete));
    expect(issued.status).toBe(201);
    expect(issued.body.url).toMatch(/^https:\/\/coachline\.example\/v1\/calendar\/cal_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}\.ics$/);

    const feed = await gw.http().get(pathOf(issued.body.url));
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    expect(feed.text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(feed.text).toContain(`UID:${mine.body.id}@coachline\r\n`);
    expect(feed.text).toContain(`DTSTART:${ics(at(2, 9))}\r\nDTEND:${ics(mine.body.end)}\r\n`);
    expect(feed.text).toContain(`SUMMARY:Coaching session with ${coach.name}`);
    expect(feed.text).toContain(`UID:${cancelled.body.id}@coachline`);
    expect(feed.text).toContain('STATUS:CANCELLED');
    expect(feed.text).toContain('DESCRIPTION:Cancelled: Sick\\, sorry\\; next week?');
    expect(feed.text).not.toContain(theirs.body.id);
    expect(feed.text.trimEnd().endsWith('END:VCALENDAR')).toBe(true);

    // The coach's own feed holds all three, named after the athletes.
    const coachFeed = await gw.http().post('/v1/calendar-feed').set(gw.auth(coach));
    const coachText = (await gw.http().get(pathOf(coachFeed.body.url))).text;
    expect(coachText.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(coachText).toContain(`SUMMARY:Coaching session with ${athlete2.name}`);

    const audit = await gw.http().get('/v1/admin/audit-events').set(gw.auth(admin));
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'calendar_feed.issued')).toHaveLength(2);
  });

  test('issuing again replaces the address; revoking ends it; malformed and forged tokens are 404', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const first = await gw.http().post('/v1/calendar-feed').set(gw.auth(athlete));
    const second = await gw.http().post('/v1/calendar-feed').set(gw.auth(athlete));
    expect(first.body.url).not.toBe(second.body.url);
    expect((await gw.http().get(pathOf(first.body.url))).status).toBe(404);
    expect((await gw.http().get(pathOf(second.body.url))).status).toBe(200);

    expect((await gw.http().delete('/v1/calendar-feed').set(gw.auth(athlete))).status).toBe(204);
    expect((await gw.http().get(pathOf(second.body.url))).status).toBe(404);
    expect((await gw.http().delete('/v1/calendar-feed').set(gw.auth(athlete))).status).toBe(204);

    expect((await gw.http().get('/v1/calendar/nonsense.ics')).status).toBe(404);
    const forged = pathOf(second.body.url).replace(/\.[A-Za-z0-9_-]{43}\.ics$/, `.${'A'.repeat(43)}.ics`);
    expect((await gw.http().get(forged)).status).toBe(404);
    expect((await gw.http().post('/v1/calendar-feed')).status).toBe(401);
  });
});

test('the scheduling routes are in the OpenAPI document with their permissions', async () => {
  const doc = (await gw.http().get('/openapi.json')).body;
  expect(doc.paths['/v1/coaches/{id}/availability'].put['x-permission']).toBe('availability:write');
  expect(doc.paths['/v1/coaches/{id}/slots'].get['x-permission']).toBe('availability:read');
  expect(doc.paths['/v1/sessions'].post['x-permission']).toBe('session:write');
  expect(doc.paths['/v1/sessions/{id}/cancel'].post).toBeDefined();
  expect(doc.paths['/v1/calendar/{token}.ics'].get.security).toEqual([]);
});

describe('renderCalendar', () => {
  test('folds long lines at 75 octets without splitting a character, with CRLF endings', () => {
    const text = renderCalendar('Cal', [
      { uid: 'u1', start: new Date('2030-01-01T10:00:00Z'), end: new Date('2030-01-01T11:00:00Z'), summary: 'Ü'.repeat(100), status: 'CONFIRMED', sequence: 0, updatedAt: new Date('2029-12-01T00:00:00Z') },
    ]);
    const lines = text.split('\r\n');
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = text.replace(/\r\n /g, '');
    expect(unfolded).toContain(`SUMMARY:${'Ü'.repeat(100)}\r\n`);
    expect(text).not.toMatch(/[^\r]\n/);
  });
});

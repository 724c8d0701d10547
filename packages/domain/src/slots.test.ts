import { availabilityWindows, checkBooking, generateSlots, type AvailabilitySettings, type Span } from './slots';

const at = (iso: string) => Date.parse(iso);
const iso = (spans: Span[]) => spans.map((s) => [new Date(s.start).toISOString(), new Date(s.end).toISOString()]);
const everyDay = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));
const longAgo = at('2000-01-01T00:00:00Z');

function slots(settings: AvailabilitySettings, from: string, to: string, extra: { busy?: Span[]; exceptions?: Span[]; now?: number } = {}) {
  return iso(generateSlots(settings, { from: at(from), to: at(to), now: extra.now ?? longAgo, busy: extra.busy ?? [], exceptions: extra.exceptions ?? [] }));
}

describe('Europe/Berlin across the spring-forward change (2026-03-29, 02:00 -> 03:00)', () => {
  const berlin: AvailabilitySettings = { timezone: 'Europe/Berlin', slotMinutes: 60, rules: everyDay('09:00', '11:00'), minNoticeMinutes: 0 };

  test('09:00 on the wall clock is 08:00Z before the change and 07:00Z after it', () => {
    expect(slots(berlin, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([
      ['2026-03-28T08:00:00.000Z', '2026-03-28T09:00:00.000Z'],
      ['2026-03-28T09:00:00.000Z', '2026-03-28T10:00:00.000Z'],
      ['2026-03-29T07:00:00.000Z', '2026-03-29T08:00:00.000Z'],
      ['2026-03-29T08:00:00.000Z', '2026-03-29T09:00:00.000Z'],
    ]);
  });

  test('a window spanning the gap loses the skipped hour and no slot overlaps another', () => {
    const night = { ...berlin, rules: [{ weekday: 7, start: '01:00', end: '04:00' }] };
    // 01:00 CET = 00:00Z; 02:00 does not exist; 04:00 CEST = 02:00Z.
    expect(slots(night, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([
      ['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z'],
      ['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'],
    ]);
  });

  test('a window starting inside the gap starts when the clock has moved forward', () => {
    const gap = { ...berlin, slotMinutes: 30, rules: [{ weekday: 7, start: '02:30', end: '04:00' }] };
    // 02:30 is read as 03:30 CEST (01:30Z), the "compatible" reading.
    expect(slots(gap, '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([['2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z']]);
  });

  test('the autumn change (2026-10-25) moves 09:00 from 07:00Z back to 08:00Z', () => {
    expect(slots({ ...berlin, rules: everyDay('09:00', '10:00') }, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
      ['2026-10-24T07:00:00.000Z', '2026-10-24T08:00:00.000Z'],
      ['2026-10-25T08:00:00.000Z', '2026-10-25T09:00:00.000Z'],
    ]);
  });
});

describe('America/New_York across both changes', () => {
  const newYork: AvailabilitySettings = { timezone: 'America/New_York', slotMinutes: 30, rules: everyDay('08:00', '09:00'), minNoticeMinutes: 0 };

  test('spring forward (2026-03-08): 08:00 is 13:00Z on Saturday and 12:00Z on Sunday', () => {
    expect(slots(newYork, '2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z')).toEqual([
      ['2026-03-07T13:00:00.000Z', '2026-03-07T13:30:00.000Z'],
      ['2026-03-07T13:30:00.000Z', '2026-03-07T14:00:00.000Z'],
      ['2026-03-08T12:00:00.000Z', '2026-03-08T12:30:00.000Z'],
      ['2026-03-08T12:30:00.000Z', '2026-03-08T13:00:00.000Z'],
    ]);
  });

  test('fall back (2026-11-01): 08:00 is 12:00Z on Saturday and 13:00Z on Sunday', () => {
    expect(slots({ ...newYork, slotMinutes: 60 }, '2026-10-31T00:00:00Z', '2026-11-02T00:00:00Z')).toEqual([
      ['2026-10-31T12:00:00.000Z', '2026-10-31T13:00:00.000Z'],
      ['2026-11-01T13:00:00.000Z', '2026-11-01T14:00:00.000Z'],
    ]);
  });

  test('a window across the repeated hour starts at the first 01:00 and covers all three real hours', () => {
    const night = { ...newYork, slotMinutes: 60, rules: [{ weekday: 7, start: '01:00', end: '03:00' }] };
    // 01:00 EDT = 05:00Z, then 01:00 EST = 06:00Z, 02:00 EST = 07:00Z; 03:00 EST = 08:00Z.
    expect(slots(night, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toEqual([
      ['2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z'],
      ['2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z'],
      ['2026-11-01T07:00:00.000Z', '2026-11-01T08:00:00.000Z'],
    ]);
  });

  test('every slot of a month across the change starts at 08:00 or 08:30 New York time', () => {
    const month = generateSlots(newYork, { from: at('2026-10-15T00:00:00Z'), to: at('2026-11-15T00:00:00Z'), now: longAgo, busy: [], exceptions: [] });
    expect(month).toHaveLength(31 * 2);
    const wallClock = new Set(month.map((s) => new Date(s.start).toLocaleTimeString('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' })));
    expect([...wallClock].sort()).toEqual(['08:00', '08:30']);
  });
});

describe('what removes slots', () => {
  const utc: AvailabilitySettings = { timezone: 'UTC', slotMinutes: 60, rules: [{ weekday: 1, start: '09:00', end: '13:00' }], minNoticeMinutes: 0 };
  const monday = (hhmm: string) => at(`2026-03-02T${hhmm}:00Z`);

  test('booked sessions and time off', () => {
    const busy = [{ start: monday('10:00'), end: monday('11:00') }];
    const exceptions = [{ start: monday('11:30'), end: monday('12:15') }];
    expect(slots(utc, '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', { busy, exceptions })).toEqual([['2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z']]);
  });

  test('the minimum notice', () => {
    const now = monday('08:30');
    expect(slots({ ...utc, minNoticeMinutes: 120 }, '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', { now }).map(([s]) => s)).toEqual([
      '2026-03-02T11:00:00.000Z',
      '2026-03-02T12:00:00.000Z',
    ]);
  });

  test('slots start inside [from, to)', () => {
    expect(slots(utc, '2026-03-02T10:00:00Z', '2026-03-02T12:00:00Z').map(([s]) => s)).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  test('touching rules merge into one window; "24:00" ends at midnight', () => {
    const rules = [
      { weekday: 1, start: '22:00', end: '24:00' },
      { weekday: 2, start: '00:00', end: '01:00' },
      { weekday: 1, start: '20:00', end: '22:00' },
    ];
    expect(iso(availabilityWindows('UTC', rules, monday('00:00'), monday('00:00') + 2 * 86_400_000))).toEqual([
      ['2026-03-02T20:00:00.000Z', '2026-03-03T01:00:00.000Z'],
    ]);
  });
});

describe('checkBooking', () => {
  const berlin: AvailabilitySettings = { timezone: 'Europe/Berlin', slotMinutes: 60, rules: everyDay('09:00', '12:00'), minNoticeMinutes: 60 };
  const now = at('2026-03-27T12:00:00Z');

  test('inside a window, on or off the slot grid, is ok', () => {
    expect(checkBooking(berlin, [], at('2026-03-29T07:00:00Z'), now)).toBe('ok');
    expect(checkBooking(berlin, [], at('2026-03-29T07:30:00Z'), now)).toBe('ok');
  });

  test('the pre-change UTC time is outside availability after the change', () => {
    expect(checkBooking(berlin, [], at('2026-03-29T09:30:00Z'), now)).toBe('outside_availability');
    expect(checkBooking(berlin, [], at('2026-03-29T06:00:00Z'), now)).toBe('outside_availability');
  });

  test('time off and the minimum notice', () => {
    expect(checkBooking(berlin, [{ start: at('2026-03-29T00:00:00Z'), end: at('2026-03-30T00:00:00Z') }], at('2026-03-29T07:00:00Z'), now)).toBe('time_off');
    // 10:00Z is 11:00 in Berlin, inside the window, but only 30 minutes ahead.
    expect(checkBooking(berlin, [], at('2026-03-27T10:00:00Z'), at('2026-03-27T09:30:00Z'))).toBe('too_soon');
  });
});

describe('generateSlots against many bookings', () => {
  test('matches a brute-force overlap check for random sessions and time off', () => {
    const settings: AvailabilitySettings = { timezone: 'Europe/Berlin', slotMinutes: 25, rules: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '07:30', end: '19:00' })), minNoticeMinutes: 0 };
    const from = at('2026-03-20T00:00:00Z');
    const to = at('2026-04-10T00:00:00Z');
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const spans = (n: number, maxMinutes: number) =>
      Array.from({ length: n }, () => {
        const start = from + Math.floor(random() * (to - from));
        return { start, end: start + Math.ceil(random() * maxMinutes) * 60_000 };
      });
    const busy = spans(300, 90);
    const exceptions = spans(10, 600);
    const fast = generateSlots(settings, { from, to, now: longAgo, busy, exceptions });
    const all = generateSlots(settings, { from, to, now: longAgo, busy: [], exceptions: [] });
    const blocked = [...busy, ...exceptions];
    const slow = all.filter((slot) => !blocked.some((b) => slot.start < b.end && b.start < slot.end));
    expect(fast).toEqual(slow);
    expect(fast.length).toBeLessThan(all.length);
  });
});

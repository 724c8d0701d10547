import { DateTime } from 'luxon';

/** A weekly rule on the coach's wall clock: weekday 1 = Monday, times "HH:MM" ("24:00" ends at midnight). */
export interface WeeklyRule {
  weekday: number;
  start: string;
  end: string;
}

/** A half-open span of real time [start, end), in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

export interface AvailabilitySettings {
  timezone: string;
  slotMinutes: number;
  rules: readonly WeeklyRule[];
  minNoticeMinutes: number;
}

const MINUTE = 60_000;

/** A calendar day, independent of any zone: days since 1970-01-01. */
type EpochDay = number;
const DAY = 86_400_000;

/** Time-zone rules do not change while a process runs, so wall-clock instants are memoised (bounded). */
const instantCache = new Map<string, number>();
const INSTANT_CACHE_LIMIT = 100_000;

/**
 * The instant a wall-clock time on a calendar day names in `zone`. Follows
 * the "compatible" disambiguation of RFC 5545 and Temporal: a time skipped by
 * a spring-forward gap moves forward by the gap, and a time that occurs twice
 * at a fall-back means its first occurrence.
 */
function wallClockInstant(day: EpochDay, hhmm: string, zone: string): number {
  const key = `${zone}|${day}|${hhmm}`;
  const cached = instantCache.get(key);
  if (cached !== undefined) return cached;
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const date = new Date((hour === 24 ? day + 1 : day) * DAY);
  const local = DateTime.fromObject(
    { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: hour === 24 ? 0 : hour, minute },
    { zone },
  );
  const instant = Math.min(...local.getPossibleOffsets().map((candidate) => candidate.toMillis()), local.toMillis());
  if (instantCache.size >= INSTANT_CACHE_LIMIT) instantCache.clear();
  instantCache.set(key, instant);
  return instant;
}

/** The calendar day that `instant` falls on in `zone`. */
function localDay(instant: number, zone: string): EpochDay {
  const local = DateTime.fromMillis(instant, { zone });
  return Date.UTC(local.year, local.month - 1, local.day) / DAY;
}

/** ISO weekday, 1 = Monday; 1970-01-01 was a Thursday. */
const weekdayOf = (day: EpochDay) => ((((day + 3) % 7) + 7) % 7) + 1;

/**
 * The coach's available time overlapping [from, to): each local day's rules
 * turned into real time in the coach's zone, so 09:00 stays 09:00 on both
 * sides of a daylight-saving change; touching windows are merged.
 */
export function availabilityWindows(timezone: string, rules: readonly WeeklyRule[], from: number, to: number): Span[] {
  if (rules.length === 0 || to <= from) return [];
  // One day of margin each side: a local day may start before `from` in UTC and still overlap it.
  const first = localDay(from, timezone) - 1;
  const last = localDay(to, timezone) + 1;
  const spans: Span[] = [];
  for (let day = first; day <= last; day++) {
    const weekday = weekdayOf(day);
    for (const rule of rules) {
      if (rule.weekday !== weekday) continue;
      const start = wallClockInstant(day, rule.start, timezone);
      const end = wallClockInstant(day, rule.end, timezone);
      if (end > start && end > from && start < to) spans.push({ start, end });
    }
  }
  return mergeSpans(spans);
}

export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && span.start <= previous.end) previous.end = Math.max(previous.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

function overlapsAny(span: Span, others: readonly Span[]): boolean {
  return others.some((other) => span.start < other.end && other.start < span.end);
}

export interface SlotQuery {
  from: number;
  to: number;
  now: number;
  /** Time off: no slot may overlap it. */
  exceptions: readonly Span[];
  /** Active sessions of the coach. */
  busy: readonly Span[];
}

/**
 * Bookable slots starting in [from, to): `slotMinutes` apart from the start of
 * each availability window, ending inside it, at least the minimum notice
 * ahead of `now`, and clear of time off and booked sessions.
 */
export function generateSlots(settings: AvailabilitySettings, query: SlotQuery): Span[] {
  const length = settings.slotMinutes * MINUTE;
  const earliest = query.now + settings.minNoticeMinutes * MINUTE;
  // Disjoint and sorted, so one forward pass checks every slot: a month of 5-minute slots against thousands of sessions stays linear.
  const blocked = mergeSpans([...query.exceptions, ...query.busy]);
  let next = 0;
  const slots: Span[] = [];
  // A slot starting before `to` may end after it, so the windows are read one slot further.
  for (const window of availabilityWindows(settings.timezone, settings.rules, query.from, query.to + length)) {
    for (let start = window.start; start + length <= window.end; start += length) {
      if (start < query.from || start < earliest) continue;
      if (start >= query.to) break;
      const slot = { start, end: start + length };
      while (next < blocked.length && blocked[next]!.end <= slot.start) next++;
      const block = blocked[next];
      if (!block || block.start >= slot.end) slots.push(slot);
    }
  }
  return slots;
}

export type BookingCheck = 'ok' | 'outside_availability' | 'time_off' | 'too_soon';

/**
 * Whether a session [start, start + slotMinutes) may be booked: inside one
 * availability window, clear of time off, and at least the minimum notice
 * ahead. Overlap with other sessions is the database's job (an exclusion
 * constraint), so racing bookings cannot both pass.
 */
export function checkBooking(settings: AvailabilitySettings, exceptions: readonly Span[], start: number, now: number): BookingCheck {
  const session = { start, end: start + settings.slotMinutes * MINUTE };
  if (session.start < now + settings.minNoticeMinutes * MINUTE) return 'too_soon';
  const windows = availabilityWindows(settings.timezone, settings.rules, session.start, session.end);
  if (!windows.some((w) => w.start <= session.start && session.end <= w.end)) return 'outside_availability';
  if (overlapsAny(session, exceptions)) return 'time_off';
  return 'ok';
}

import { IANAZone } from 'luxon';
import { z } from 'zod';
import { freeText, instant, pageQuery, uuid } from './common';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The longest slots query: a month of slots is a few thousand at most. */
export const MAX_SLOT_RANGE_DAYS = 31;

/**
 * An IANA zone name such as `Europe/Berlin`; offsets and unknown names are refused.
 * The shape is checked first because Node 22+ (ICU with ECMA-402 2024) accepts
 * offsets such as `+02:00` as zones, and a weekly rule needs a zone with its DST rules.
 */
export const timezoneString = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'Expected an IANA zone name such as Europe/Berlin')
  .refine((zone) => IANAZone.isValidZone(zone), { message: 'Unknown IANA time zone' });

const wallClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected HH:MM (00:00 to 23:59)');
/** "24:00" lets a rule run to midnight. */
const wallClockEnd = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Expected HH:MM (00:00 to 24:00)');
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A weekly rule on the coach's wall clock. */
export const availabilityRuleSchema = z
  .strictObject({
    weekday: z.number().int().min(1).max(7).meta({ description: '1 = Monday ... 7 = Sunday (ISO)' }),
    start: wallClockTime,
    end: wallClockEnd,
  })
  .refine((rule) => minutesOf(rule.end) > minutesOf(rule.start), { message: 'end must be after start', path: ['end'] })
  .meta({ id: 'AvailabilityRule' });
export type AvailabilityRuleInput = z.infer<typeof availabilityRuleSchema>;

/** Rules of one weekday must not overlap (touching is fine: 09:00-12:00 and 12:00-15:00). */
function overlappingRules(rules: AvailabilityRuleInput[]): number[] {
  const clashes: number[] = [];
  rules.forEach((rule, i) => {
    const clash = rules.some(
      (other, j) => j < i && other.weekday === rule.weekday && minutesOf(rule.start) < minutesOf(other.end) && minutesOf(other.start) < minutesOf(rule.end),
    );
    if (clash) clashes.push(i);
  });
  return clashes;
}

const noticeMinutes = z.number().int().min(0).max(60 * 24 * 90);

export const availabilityBody = z
  .strictObject({
    timezone: timezoneString,
    slotMinutes: z.number().int().min(5).max(480),
    rules: z.array(availabilityRuleSchema).max(100),
    /** How long before a slot it can still be booked; kept when not sent (default 0). */
    minNoticeMinutes: noticeMinutes.optional(),
    /** Cancelling later than this before the start is flagged `late`; kept when not sent (default 0). */
    cancellationNoticeMinutes: noticeMinutes.optional(),
    /** Booking spends one session credit of the athlete; kept when not sent (default false). */
    requiresCredit: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    for (const index of overlappingRules(body.rules)) {
      ctx.addIssue({ code: 'custom', path: ['rules', index], message: 'overlaps another rule of the same weekday' });
    }
  })
  .meta({ id: 'AvailabilityRequest' });
export type AvailabilityBody = z.infer<typeof availabilityBody>;

export const timeOffSchema = z
  .object({ id: uuid, start: z.string(), end: z.string(), reason: z.string().nullable() })
  .meta({ id: 'TimeOff' });

export const availabilitySchema = z
  .object({
    coachId: uuid,
    timezone: z.string(),
    slotMinutes: z.number().int(),
    rules: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
    minNoticeMinutes: z.number().int(),
    cancellationNoticeMinutes: z.number().int(),
    requiresCredit: z.boolean(),
    timeOff: z.array(timeOffSchema),
  })
  .meta({ id: 'Availability' });

/** Dated time off (holidays, a sick day): removes slots whatever the weekly rules say. */
export const timeOffBody = z
  .strictObject({ start: instant, end: instant, reason: z.string().trim().min(1).max(200).optional() })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'end must be after start', path: ['end'] })
  .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= 366 * DAY, { message: 'at most one year', path: ['end'] })
  .meta({ id: 'TimeOffRequest' });

export const coachTimeOffParams = z.strictObject({ id: uuid, timeOffId: uuid });

export const slotsQuery = z
  .object({ from: instant, to: instant })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_SLOT_RANGE_DAYS * DAY, {
    message: `from and to may be at most ${MAX_SLOT_RANGE_DAYS} days apart`,
    path: ['to'],
  });

export const slotSchema = z.object({ start: z.string(), end: z.string() }).meta({ id: 'Slot' });
export const slotListSchema = z.object({ items: z.array(slotSchema) }).meta({ id: 'SlotList' });

export const SESSION_STATUSES = ['scheduled', 'cancelled', 'completed'] as const;

export const bookSessionBody = z
  .strictObject({
    coachId: uuid,
    start: instant,
    /** Required when a coach, scheduler or admin books; an athlete may only name themself. */
    athleteId: uuid.optional(),
  })
  .meta({ id: 'BookSessionRequest', examples: [{ coachId: '6a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d', start: '2026-12-10T09:00:00Z' }] });

export const cancelSessionBody = z.strictObject({ reason: freeText.optional() }).meta({ id: 'CancelSessionRequest' });

export const coachingSessionSchema = z
  .object({
    id: uuid,
    coachId: uuid,
    athleteId: uuid,
    start: z.string(),
    end: z.string(),
    status: z.enum(SESSION_STATUSES),
    late: z.boolean().meta({ description: 'Cancelled later than the coach’s cancellation notice' }),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
  })
  .meta({ id: 'CoachingSession' });

export const listSessionsQuery = pageQuery
  .extend({
    from: instant.optional(),
    to: instant.optional(),
    coachId: uuid.optional(),
    athleteId: uuid.optional(),
    status: z.enum(SESSION_STATUSES).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] });

export const calendarFeedSchema = z
  .object({
    url: z.string().meta({ description: 'Private iCalendar address; anyone holding it can read your sessions' }),
    createdAt: z.string(),
  })
  .meta({ id: 'CalendarFeed' });

export const calendarTokenParams = z.strictObject({ token: z.string().min(1).max(200) });

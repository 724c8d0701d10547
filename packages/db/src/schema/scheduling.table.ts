import { boolean, index, integer, jsonb, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';

/** A weekly rule on the coach's wall clock: weekday 1 = Monday, times "HH:MM". */
export interface AvailabilityRule {
  weekday: number;
  start: string;
  end: string;
}

export const coachAvailability = tenantTable(
  'coach_availability',
  {
    coachId: uuid('coach_id').notNull(),
    timezone: text('timezone').notNull(),
    slotMinutes: integer('slot_minutes').notNull(),
    rules: jsonb('rules').$type<AvailabilityRule[]>().notNull(),
    minNoticeMinutes: integer('min_notice_minutes').notNull().default(0),
    cancellationNoticeMinutes: integer('cancellation_notice_minutes').notNull().default(0),
    requiresCredit: boolean('requires_credit').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('coach_availability_coach_key').on(t.tenantId, t.coachId), membershipRef(t, t.coachId, 'coach_availability_coach_fk')],
);

/** Dated time off that removes slots from the weekly rules. */
export const availabilityExceptions = tenantTable(
  'availability_exceptions',
  {
    coachId: uuid('coach_id').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [membershipRef(t, t.coachId, 'availability_exceptions_coach_fk'), index('availability_exceptions_coach_idx').on(t.tenantId, t.coachId, t.startsAt)],
);

/** Overlap between a coach's scheduled sessions is excluded by a constraint in the migrations. */
export const coachingSessions = tenantTable(
  'coaching_sessions',
  {
    coachId: uuid('coach_id').notNull(),
    athleteId: uuid('athlete_id').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    status: text('status', { enum: ['scheduled', 'cancelled', 'completed'] }).notNull(),
    createdBy: uuid('created_by').notNull(),
    cancelledAt: ts('cancelled_at'),
    cancelledBy: uuid('cancelled_by'),
    cancelReason: text('cancel_reason'),
    lateCancellation: boolean('late_cancellation').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    membershipRef(t, t.coachId, 'coaching_sessions_coach_fk'),
    membershipRef(t, t.athleteId, 'coaching_sessions_athlete_fk'),
    index('coaching_sessions_coach_idx').on(t.tenantId, t.coachId, t.startsAt),
    index('coaching_sessions_athlete_idx').on(t.tenantId, t.athleteId, t.startsAt),
  ],
);

/**
 * One private iCalendar address per user, stored only as a SHA-256 of its
 * token; issuing a new one replaces the old, deleting the row revokes it.
 */
export const calendarFeeds = tenantTable(
  'calendar_feeds',
  {
    userId: uuid('user_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    membershipRef(t, t.userId, 'calendar_feeds_user_fk'),
    uniqueIndex('calendar_feeds_user_key').on(t.tenantId, t.userId),
    uniqueIndex('calendar_feeds_token_key').on(t.tenantId, t.tokenHash),
  ],
);

import { z } from 'zod';
import type { TenantScope } from './actor';
import { ROLES } from './roles';
import { QUEUE_NAMES, type QueueName } from './queue-names';
import { TRIAGE_KINDS } from './triage';

const id = z.uuid();

/**
 * Who a program generation is for, from the most urgent: a coach (or ADMIN)
 * waiting for it, an athlete serving themself, and background work no one
 * waits on. BullMQ runs lower numbers first.
 */
export const GENERATION_SOURCES = ['coach', 'athlete', 'background'] as const;
export type GenerationSource = (typeof GENERATION_SOURCES)[number];
export const GENERATION_PRIORITY: Record<GenerationSource, number> = { coach: 1, athlete: 5, background: 10 };

/**
 * The event registry: every event a use case may put in the outbox, its payload
 * schema, and the queues that consume it. Renaming an event strands rows already
 * in the outbox, so names are append-only.
 */
export const EVENTS = {
  'user.signed_up': {
    payload: z.object({ userId: id, email: z.email(), name: z.string() }),
    queues: ['notifications'],
  },
  'invitation.created': {
    // Ids only: the token is a bearer credential, kept sealed in the invitation row (outbox rows and jobs outlive it).
    payload: z.object({ invitationId: id, invitedBy: id }),
    queues: ['notifications'],
  },
  'post.created': {
    payload: z.object({ postId: id, spaceId: id, authorId: id }),
    queues: ['notifications', 'webhooks'],
    webhook: true,
  },
  'comment.created': {
    payload: z.object({ commentId: id, postId: id, authorId: id }),
    queues: ['notifications', 'webhooks'],
    webhook: true,
  },
  'message.created': {
    payload: z.object({ messageId: id, conversationId: id, fromUserId: id, toUserId: id }),
    queues: ['notifications'],
  },
  'session.scheduled': {
    payload: z.object({
      sessionId: id,
      coachId: id,
      athleteId: id,
      start: z.string(),
      end: z.string(),
      actorId: id,
    }),
    queues: ['notifications', 'reminders', 'webhooks', 'analytics'],
    webhook: true,
  },
  'session.cancelled': {
    payload: z.object({
      sessionId: id,
      coachId: id,
      athleteId: id,
      start: z.string(),
      end: z.string(),
      actorId: id,
      late: z.boolean(),
    }),
    queues: ['notifications', 'reminders', 'webhooks', 'analytics'],
    webhook: true,
  },
  'media.uploaded': {
    payload: z.object({ mediaId: id, ownerId: id, kind: z.enum(['image', 'video', 'document']) }),
    queues: ['media'],
  },
  'media.ready': {
    payload: z.object({ mediaId: id, ownerId: id }),
    queues: ['notifications'],
  },
  /** A verified Stripe webhook, recorded once by its Stripe id; the billing worker applies it. Ids only: the event stays in stripe_events. */
  'stripe.event_received': {
    payload: z.object({ stripeEventRowId: id, stripeEventId: z.string(), stripeType: z.string() }),
    queues: ['billing'],
  },
  /** A payment for a purchase went through (its first, or a subscription's renewal). */
  'purchase.paid': {
    payload: z.object({ purchaseId: id, userId: id, productId: id, amountCents: z.number().int(), currency: z.string(), reference: z.string() }),
    queues: ['notifications', 'webhooks', 'analytics'],
    webhook: true,
  },
  /** A purchase was refunded and what it granted was taken back. */
  'purchase.refunded': {
    payload: z.object({ purchaseId: id, userId: id, productId: id, amountCents: z.number().int(), currency: z.string() }),
    queues: ['notifications', 'webhooks', 'analytics'],
    webhook: true,
  },
  /** A subscription changed status (active, past_due, canceled). */
  'subscription.updated': {
    payload: z.object({
      subscriptionId: id,
      purchaseId: id,
      userId: id,
      productId: id,
      status: z.enum(['active', 'past_due', 'canceled']),
      previousStatus: z.enum(['active', 'past_due', 'canceled']).nullable(),
    }),
    queues: ['notifications'],
  },
  'password_reset.requested': {
    // Ids only, as for invitations: the token is sealed in the reset's row, which the worker opens to email it.
    payload: z.object({ resetId: id, userId: id }),
    queues: ['notifications'],
  },
  /** An athlete connected a provider account: its recurring sync starts, and a first sync runs now. */
  'integration.connected': {
    payload: z.object({ connectionId: id, userId: id, provider: z.string() }),
    queues: ['integrations'],
  },
  /** A sync asked for now: by the athlete, or by the provider's push. */
  'integration.sync_requested': {
    payload: z.object({ connectionId: id, reason: z.enum(['manual', 'push']) }),
    queues: ['integrations'],
  },
  /** A connection stopped syncing for good (deleted, or its grant revoked): its recurring sync ends. */
  'integration.disconnected': {
    payload: z.object({ connectionId: id }),
    queues: ['integrations'],
  },
  /** The provider refused the connection's grant; the athlete is told to connect again. */
  'integration.failed': {
    payload: z.object({ connectionId: id, userId: id, provider: z.string(), reason: z.string() }),
    queues: ['notifications'],
  },
  /** A workout was completed: logged in the app, or imported from a provider (`source`, e.g. "strava"). */
  'workout.completed': {
    payload: z.object({ workoutId: id, athleteId: id, actorId: id, sets: z.number().int(), volumeKg: z.number(), durationSeconds: z.number().int(), startedAt: z.iso.datetime(), completedAt: z.iso.datetime(), source: z.string().optional() }),
    queues: ['webhooks', 'analytics'],
    webhook: true,
  },
  /** One per record a logged set broke (a first set of an exercise breaks all three kinds). */
  'personal_record.achieved': {
    payload: z.object({ recordId: id, athleteId: id, workoutId: id, setId: id, exerciseId: id, kind: z.enum(['e1rm', 'weight', 'reps']), value: z.number() }),
    queues: ['webhooks'],
    webhook: true,
  },
  /** Someone accepted an invitation and is now a member of the tenant. */
  'member.joined': {
    payload: z.object({ userId: id, role: z.enum(ROLES), invitationId: id }),
    queues: ['webhooks'],
    webhook: true,
  },
  /** An ADMIN asked for a webhook delivery to be sent again. */
  'webhook_delivery.redelivery_requested': {
    payload: z.object({ deliveryId: id, endpointId: id, requestedBy: id }),
    queues: ['webhooks'],
  },
  /** A webhook endpoint kept failing past the failure window and was disabled; its tenant's ADMINs are told. */
  'webhook_endpoint.disabled': {
    payload: z.object({ endpointId: id, url: z.string(), failingSince: z.string() }),
    queues: ['notifications'],
  },
  /** An athlete started a workout. */
  'workout.started': {
    payload: z.object({ workoutId: id, athleteId: id, startedAt: z.iso.datetime(), title: z.string().nullable().optional() }),
    // notifications: the tenant's coaches hear it live (`workout:started`).
    queues: ['analytics', 'notifications'],
  },
  /** A set was logged (REST, socket or sync); replays of the same set id emit nothing. */
  'workout.set_logged': {
    payload: z.object({ setId: id, workoutId: id, athleteId: id, exerciseId: id, loggedAt: z.iso.datetime() }),
    queues: ['analytics'],
  },
  /**
   * A logged set was corrected (`workout.set_updated`) or deleted (`workout.set_deleted`);
   * `affectedAt` holds the instants whose days changed: the set's, its workout's
   * completion, and those of records judged again.
   */
  'workout.set_updated': {
    payload: z.object({ setId: id, workoutId: id, athleteId: id, exerciseId: id, affectedAt: z.array(z.iso.datetime()) }),
    queues: ['analytics'],
  },
  'workout.set_deleted': {
    payload: z.object({ setId: id, workoutId: id, athleteId: id, exerciseId: id, affectedAt: z.array(z.iso.datetime()) }),
    queues: ['analytics'],
  },
  /** A coach assigned a program to an athlete: the workouts it plans count in the athlete's adherence and triage. */
  'program.assigned': {
    payload: z.object({ assignmentId: id, programId: id, athleteId: id, startDate: z.iso.date() }),
    queues: ['analytics'],
  },
  /** Triage found an item it had not found before (see packages/domain/src/triage.ts); the tenant's coaches are told. */
  'triage.item_detected': {
    payload: z.object({ itemId: id, athleteId: id, kind: z.enum(TRIAGE_KINDS), detail: z.string(), since: z.iso.datetime() }),
    queues: ['notifications'],
  },
  /**
   * A program generation was asked for; the row in generation_jobs holds the
   * request. Ids only. Its job's priority comes from `source`.
   */
  'program.generation_requested': {
    payload: z.object({ generationJobId: id, requestedBy: id, source: z.enum(GENERATION_SOURCES) }),
    queues: ['generation'],
    priority: (payload: { source: GenerationSource }) => GENERATION_PRIORITY[payload.source],
  },
  /** A body metric (weight, body fat) was recorded. */
  'body_metric.recorded': {
    payload: z.object({ bodyMetricId: id, userId: id, measuredAt: z.iso.datetime() }),
    queues: ['analytics'],
  },
} as const satisfies EventRouting;

/**
 * The shape of the event registry: a payload schema and the consuming queues
 * per event type; `webhook: true` makes an event one that tenants' webhook
 * endpoints may subscribe to (it must then be routed to the `webhooks` queue).
 */
export type EventRouting = Record<string, { payload: z.ZodType; queues: readonly QueueName[]; webhook?: true; priority?: (payload: never) => number }>;

/**
 * The BullMQ priority of an event's jobs, for event types the registry gives
 * one (`priority`); undefined (BullMQ's plain FIFO) for the others and for a
 * payload that does not parse, which its consumer then refuses anyway.
 */
export function eventJobPriority(envelope: { type: EventType; payload: unknown }): number | undefined {
  const entry = EVENTS[envelope.type] as { payload: z.ZodType; priority?: (payload: unknown) => number };
  if (!entry.priority) return undefined;
  const parsed = entry.payload.safeParse(envelope.payload);
  return parsed.success ? entry.priority(parsed.data) : undefined;
}

export type EventType = keyof typeof EVENTS;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENTS)[T]['payload']>;
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

/** What travels from the outbox to a queue: one event, with the context that caused it. */
export const eventEnvelopeSchema = z.object({
  id,
  tenantId: id,
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
  requestId: z.string().optional(),
  traceparent: z.string().optional(),
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** An event as its consumer receives it: the envelope, its payload parsed against the registry `R`. */
export type EventOf<T extends keyof R & string, R extends EventRouting = typeof EVENTS> = Omit<EventEnvelope, 'type' | 'payload'> & {
  type: T;
  payload: z.infer<R[T]['payload']>;
};

/** The event types the registry `R` routes to `queue`. */
export type EventsRoutedTo<Q extends QueueName, R extends EventRouting = typeof EVENTS> = {
  [T in keyof R & string]: Q extends R[T]['queues'][number] ? T : never;
}[keyof R & string];

/** The event types webhook endpoints may subscribe to: those the registry marks `webhook: true`. */
export type WebhookEventType = { [T in EventType]: (typeof EVENTS)[T] extends { webhook: true } ? T : never }[EventType];
/** The subscribable event types, in registry order: the one list the API validates subscriptions against. */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPES.filter((type) => (EVENTS[type] as { webhook?: true }).webhook === true) as [WebhookEventType, ...WebhookEventType[]];
/** Fails to compile when a subscribable event is not routed to the `webhooks` queue. */
export const WEBHOOK_EVENTS_ROUTED: [WebhookEventType] extends [EventsRoutedTo<'webhooks'>] ? true : false = true;

export function queuesFor(type: EventType): readonly QueueName[] {
  return EVENTS[type].queues;
}

/** The event types routed to `queue`, in registry order. */
export function eventsRoutedTo<Q extends QueueName>(queue: Q): EventsRoutedTo<Q>[] {
  return EVENT_TYPES.filter((type) => (EVENTS[type].queues as readonly QueueName[]).includes(queue)) as EventsRoutedTo<Q>[];
}

/**
 * The scope of the work an event or job causes: its tenant, and the request
 * and trace it came from, so what the consumer writes (events, audit rows,
 * logs) follows the original action. The one place a consumer's scope is built.
 */
export function scopeOf(source: { tenantId: string; requestId?: string; traceparent?: string }): TenantScope {
  return { tenantId: source.tenantId, requestId: source.requestId, traceparent: source.traceparent };
}

export { QUEUE_NAMES };

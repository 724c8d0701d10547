import { z } from 'zod';
import { eventEnvelopeSchema, type EVENTS, type EventType } from './events';
import { QUEUE_NAMES, type QueueName } from './queue-names';

export { QUEUE_NAMES, type QueueName };

/**
 * The job that carries an outbox event (see `eventEnvelopeSchema`) to every
 * queue the event registry routes it to; the consumer dispatches it by type.
 */
export const EVENT_JOB = 'event';
const carriesEvents = { [EVENT_JOB]: eventEnvelopeSchema } as const;

/** Job name -> payload schema, per queue. Consumers parse again: jobs outlive deploys. */
export const JOBS = {
  notifications: {
    ...carriesEvents,
    /** Remind both parties of a session, `offsetMinutes` before it; delayed by the scheduler. */
    'session.reminder': z.object({
      tenantId: z.uuid(),
      sessionId: z.uuid(),
      offsetMinutes: z.number().int().positive(),
      requestId: z.string().optional(),
      traceparent: z.string().optional(),
    }),
    /** Email every athlete (of `tenantIds`, or of every tenant) the ISO week that ended last before `at`. */
    'weekly-progress': z.object({
      at: z.iso.datetime(),
      tenantIds: z.array(z.uuid()).optional(),
    }),
    /** Email every COACH and ADMIN (of `tenantIds`, or of every tenant) the triage items found in the ISO week that ended last before `at`. */
    'triage-summary': z.object({
      at: z.iso.datetime(),
      tenantIds: z.array(z.uuid()).optional(),
    }),
    /** Remind a buyer whose subscription is past due to update their card; `reminder` counts from 1. */
    'subscription.dunning-reminder': z.object({
      tenantId: z.uuid(),
      subscriptionId: z.uuid(),
      reminder: z.number().int().positive(),
    }),
  },
  media: {
    ...carriesEvents,
    process: z.object({ tenantId: z.uuid(), mediaId: z.uuid(), reason: z.enum(['upload', 'reprocess']) }),
  },
  reminders: {
    ...carriesEvents,
  },
  webhooks: {
    ...carriesEvents,
    /**
     * One attempt at one webhook delivery, at the time its row says; the row
     * (not the job) holds the schedule, so a lost job is found again by the
     * worker's sweep. Ids only: the signing secret stays sealed in its row.
     */
    deliver: z.object({
      tenantId: z.uuid(),
      deliveryId: z.uuid(),
      requestId: z.string().optional(),
      traceparent: z.string().optional(),
    }),
  },
  maintenance: {
    'purge-expired': z.object({}),
    'archive-audit-events': z.object({}),
    'abort-abandoned-uploads': z.object({}),
    'weekly-progress-email': z.object({}),
    'dunning-reminders': z.object({}),
    /** Looks for triage items that time alone brings (inactive athletes, missed workouts), in every tenant. */
    'triage-sweep': z.object({}),
    /** The weekly clock of the coaches' triage summary email. */
    'triage-summary-email': z.object({}),
  },
  billing: {
    ...carriesEvents,
  },
  integrations: {
    ...carriesEvents,
    /** Import a connection's new activities: every 15 minutes from its job scheduler, on demand, on a provider push. */
    sync: z.object({
      tenantId: z.uuid(),
      connectionId: z.uuid(),
      reason: z.enum(['schedule', 'connect', 'manual', 'push', 'deferred']),
      requestId: z.string().optional(),
      traceparent: z.string().optional(),
    }),
  },
  /** Training and business events -> the daily analytics rollups and the analytics cache's invalidation. */
  analytics: {
    ...carriesEvents,
  },
  /** Program generation requests, by priority (see `GENERATION_PRIORITY`): each event job is one program to generate. */
  generation: {
    ...carriesEvents,
  },
} as const satisfies Record<QueueName, Record<string, z.ZodType>>;

export type JobName<Q extends QueueName> = keyof (typeof JOBS)[Q] & string;
export type JobOf<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof JOBS)[Q][N]>;
/** The jobs of a queue other than the event carrier: each has a handler of its own. */
export type TaskName<Q extends QueueName> = Exclude<JobName<Q>, typeof EVENT_JOB>;

type RoutedQueue = (typeof EVENTS)[EventType]['queues'][number];
type QueueWithEventJob = { [Q in QueueName]: typeof EVENT_JOB extends keyof (typeof JOBS)[Q] ? Q : never }[QueueName];
/** Fails to compile when a queue receives events without an `event` job, or has one and receives none. */
export const EVENT_JOB_MATCHES_ROUTING: [RoutedQueue] extends [QueueWithEventJob] ? ([QueueWithEventJob] extends [RoutedQueue] ? true : false) : false = true;

import { z } from 'zod';

/**
 * Queue names are stable identifiers stored in Redis: renaming one strands the
 * jobs already waiting in it. Add, never rename.
 */
export const QUEUE_NAMES = ['notifications', 'media', 'reminders', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** One hash-tagged prefix, so every key of every queue lands on one Redis Cluster slot. */
export const QUEUE_PREFIX = '{coachline}';

const envelope = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
  requestId: z.string().optional(),
  traceparent: z.string().optional(),
});

/** Job name -> payload schema, per queue. Consumers parse again: jobs outlive deploys. */
export const JOBS = {
  notifications: {
    event: envelope,
    'session.reminder': z.object({
      tenantId: z.uuid(),
      sessionId: z.uuid(),
      offsetMinutes: z.number().int().positive(),
      requestId: z.string().optional(),
      traceparent: z.string().optional(),
    }),
  },
  media: {
    event: envelope,
    process: z.object({ tenantId: z.uuid(), mediaId: z.uuid(), reason: z.enum(['upload', 'reprocess']) }),
  },
  reminders: {
    event: envelope,
  },
  maintenance: {
    'purge-expired': z.object({}),
    'archive-audit-events': z.object({}),
    'abort-abandoned-uploads': z.object({}),
    'weekly-progress-email': z.object({}),
  },
} as const satisfies Record<QueueName, Record<string, z.ZodType>>;

export type JobName<Q extends QueueName> = keyof (typeof JOBS)[Q] & string;
export type JobOf<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof JOBS)[Q][N]>;

export function parseJob<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, data: unknown): JobOf<Q, N> {
  const schema = (JOBS[queue] as Record<string, z.ZodType>)[name];
  if (!schema) throw new Error(`No job "${name}" on queue "${queue}"`);
  return schema.parse(data) as JobOf<Q, N>;
}

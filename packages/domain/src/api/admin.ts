import { z } from 'zod';
import { QUEUE_NAMES } from '../queues';

const depth = z.object({ waiting: z.number(), active: z.number(), delayed: z.number(), prioritized: z.number(), failed: z.number() });

/** Counts only: the queues are shared by every tenant, so no payload ever leaves them here. */
export const statsSchema = z
  .object({
    members: z.number().int(),
    workouts: z.number().int(),
    sessions: z.number().int(),
    mediaBytes: z.number().int(),
    queues: z.object(Object.fromEntries(QUEUE_NAMES.map((q) => [q, depth])) as Record<(typeof QUEUE_NAMES)[number], typeof depth>).nullable(),
  })
  .meta({ id: 'AdminStats' });

import { z } from 'zod';
import { TRIAGE_KINDS } from '../triage';
import { pageOf, pageQuery } from './common';

/** `?limit=&cursor=` over the ranked list. */
export const triageQuery = z.strictObject(pageQuery.shape);

export const triageItemSchema = z
  .object({
    athleteId: z.uuid(),
    kind: z.enum(TRIAGE_KINDS),
    /** What the coach should know, in words. */
    detail: z.string(),
    /** When the situation began (an instant, UTC). */
    since: z.string(),
    /** The figures behind `detail` (exercise, loads, counts), by kind. */
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TriageItem' });

export const triageListSchema = pageOf(triageItemSchema).meta({ id: 'TriageList' });

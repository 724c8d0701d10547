import { z } from 'zod';

/** Names and titles. */
export const nameString = z.string().trim().min(1).max(200);
/** Posts, comments, messages, descriptions. */
export const freeText = z.string().trim().min(1).max(10_000);
export const uuid = z.uuid();
/** Calendar date `YYYY-MM-DD`. */
export const calendarDate = z.iso.date();
/** ISO 8601 instant with offset, returned in UTC. */
export const instant = z.iso.datetime({ offset: true });

export const idParams = z.strictObject({ id: uuid });

/** `?limit=&cursor=` shared by every list. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

/** `{ items, nextCursor }` for any item schema. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

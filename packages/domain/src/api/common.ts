import { z } from 'zod';

/**
 * C0 controls but tab, line feed and carriage return, DEL and the C1 controls.
 * Postgres refuses NUL in text outright, and the others corrupt logs, headers
 * and calendar feeds downstream, so no input string may carry them.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Whether any string (value or key) in an input carries a control character.
 * Allocates nothing, so every request can afford it; `controlCharacterPaths`
 * then names the places only for input that is refused anyway.
 */
export function hasControlCharacter(value: unknown): boolean {
  if (typeof value === 'string') return CONTROL_CHARACTER.test(value);
  if (Array.isArray(value)) {
    for (const item of value) if (hasControlCharacter(item)) return true;
    return false;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (CONTROL_CHARACTER.test(key) || hasControlCharacter((value as Record<string, unknown>)[key])) return true;
    }
  }
  return false;
}

/** Where in an input (body, query, socket payload) a string carries a control character, if anywhere. */
export function controlCharacterPaths(value: unknown, path: string[] = [], found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (CONTROL_CHARACTER.test(value)) found.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => controlCharacterPaths(item, [...path, String(index)], found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (CONTROL_CHARACTER.test(key)) found.push([...path, key].join('.'));
      controlCharacterPaths(item, [...path, key], found);
    }
  }
  return found;
}

/** Text that may come from a person: no control characters but tab, line feed and carriage return. */
export const plainText = z.string().refine((text) => !CONTROL_CHARACTER.test(text), 'Control characters are not allowed');

/** Names and titles. */
export const nameString = plainText.trim().min(1).max(200);
/** Posts, comments, messages, descriptions. */
export const freeText = plainText.trim().min(1).max(10_000);
export const uuid = z.uuid();

/** The years every date and time must fall in; Postgres and JavaScript disagree far outside them. */
export const YEAR_RANGE = { min: 1900, max: 2100 } as const;
// Refinements run even when the format check before them failed; that text is already refused, so it passes here.
const yearInRange = (text: string) => {
  const year = Number(text.slice(0, 4));
  return Number.isNaN(year) || (year >= YEAR_RANGE.min && year <= YEAR_RANGE.max);
};
const instantYearInRange = (text: string) => {
  const time = new Date(text);
  return Number.isNaN(time.getTime()) || yearInRange(time.toISOString());
};
const yearMessage = `Must fall in the years ${YEAR_RANGE.min} to ${YEAR_RANGE.max}`;

/** Calendar date `YYYY-MM-DD`, years 1900..2100. */
export const calendarDate = z.iso.date().refine(yearInRange, yearMessage);
/** ISO 8601 instant with offset, returned in UTC; years 1900..2100 once in UTC. */
export const instant = z.iso.datetime({ offset: true }).refine(instantYearInRange, yearMessage);

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

/** Postgres error codes the services translate into domain errors. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = pgError(error);
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

export function isExclusionViolation(error: unknown, constraint?: string): boolean {
  const e = pgError(error);
  return e?.code === '23P01' && (!constraint || e.constraint === constraint);
}

export function isForeignKeyViolation(error: unknown): boolean {
  return pgError(error)?.code === '23503';
}

/** drizzle wraps driver errors; the pg error is the cause. */
function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const candidate = current as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate as { code: string; constraint?: string };
    current = candidate.cause;
  }
  return undefined;
}

import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { idempotencyKeys } from '@coachline/db/schema/index';
import type { Actor } from '@coachline/domain/actor';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, ValidationError } from '@coachline/domain/errors';
import type { RouteResult } from '../http/route';

const KEY = /^[A-Za-z0-9._:-]{1,255}$/;
const TTL_MS = 24 * 3600 * 1000;
/**
 * Rows this guard writes are always complete. An `in_progress` row can only be
 * left by an older version of it, from a request that died; after this long it
 * frees its key rather than answering 409 for a day.
 */
const STALE_IN_PROGRESS_MS = 5 * 60 * 1000;

/** JSON with object keys sorted, so the same body with its keys in another order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function fingerprint(req: Request): string {
  return createHash('sha256')
    .update(req.method)
    .update('\n')
    .update(req.originalUrl.split('?')[0] ?? '')
    .update('\n')
    .update(canonicalJson(req.body ?? null))
    .digest('hex');
}

/**
 * Idempotency-Key: the request's work, the check of its key and the stored
 * response run as one unit of work, one transaction, so a response is stored
 * exactly when the write it describes commits: a process that dies mid-request
 * leaves nothing behind, and the client's retry runs afresh. A transaction-level
 * advisory lock per key makes a concurrent duplicate answer 409 at once instead
 * of waiting; once the first commits, a retry replays it for 24 h.
 */
export function createIdempotency(db: Database) {
  return async (actor: Actor, req: Request, run: () => Promise<RouteResult>): Promise<RouteResult & { replayed?: boolean }> => {
    const key = req.get('idempotency-key') ?? '';
    if (!KEY.test(key)) throw new ValidationError('Idempotency-Key is invalid.', [{ path: 'Idempotency-Key', message: '1..255 characters of A-Za-z0-9._:-' }]);
    const hash = fingerprint(req);
    return db.unitOfWork(actor, async (tx) => {
      const lock = await tx.execute<{ locked: boolean }>(sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`idempotency:${actor.tenantId}:${actor.userId}:${key}`}, 0)) AS locked`);
      if (!lock.rows[0]?.locked) throw new IdempotencyKeyInUseError('A request with this Idempotency-Key is still running; retry shortly.');
      const now = new Date();
      const mine = and(eq(idempotencyKeys.tenantId, actor.tenantId), eq(idempotencyKeys.userId, actor.userId), eq(idempotencyKeys.key, key));
      await tx
        .delete(idempotencyKeys)
        .where(
          and(
            mine,
            or(lt(idempotencyKeys.expiresAt, now), and(eq(idempotencyKeys.status, 'in_progress'), lt(idempotencyKeys.createdAt, new Date(now.getTime() - STALE_IN_PROGRESS_MS)))),
          ),
        );
      const [existing] = await tx.select().from(idempotencyKeys).where(mine);
      if (existing) {
        if (existing.status !== 'completed') throw new IdempotencyKeyInUseError('A request with this Idempotency-Key is still running; retry shortly.');
        if (existing.requestHash !== hash) throw new IdempotencyKeyReusedError('This Idempotency-Key was used with a different request.');
        return { status: existing.responseStatus ?? 200, body: existing.responseBody ?? undefined, replayed: true };
      }
      const result = await run();
      await tx.insert(idempotencyKeys).values({
        tenantId: actor.tenantId,
        id: newId(),
        userId: actor.userId,
        key,
        requestHash: hash,
        status: 'completed',
        responseStatus: result.status,
        responseBody: result.body ?? null,
        expiresAt: new Date(now.getTime() + TTL_MS),
      });
      return result;
    });
  };
}

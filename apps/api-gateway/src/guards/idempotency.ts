import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { idempotencyKeys } from '@coachline/db/schema/index';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, ValidationError } from '@coachline/domain/errors';
import type { Actor } from '@coachline/domain/actor';
import type { RouteResult } from '../http/route';

const KEY = /^[A-Za-z0-9._:-]{1,255}$/;
const TTL_MS = 24 * 3600 * 1000;

function fingerprint(req: Request): string {
  return createHash('sha256')
    .update(req.method)
    .update('\n')
    .update(req.originalUrl.split('?')[0] ?? '')
    .update('\n')
    .update(JSON.stringify(req.body ?? null))
    .digest('hex');
}

/**
 * Idempotency-Key: the first request reserves the key in Postgres (a unique row
 * per tenant, user and key), so concurrent duplicates execute once. Successful
 * responses are stored and replayed for 24 h; a failure releases the key so
 * the client may retry.
 */
export function createIdempotency(db: Database) {
  return async (actor: Actor, req: Request, run: () => Promise<RouteResult>): Promise<RouteResult & { replayed?: boolean }> => {
    const key = req.get('idempotency-key') ?? '';
    if (!KEY.test(key)) throw new ValidationError('Idempotency-Key is invalid.', [{ path: 'Idempotency-Key', message: '1..255 characters of A-Za-z0-9._:-' }]);
    const hash = fingerprint(req);
    const now = new Date();
    const reservation = await db.withTenant(actor, async (tx) => {
      // A key past its 24 h is free again.
      await tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, actor.tenantId), eq(idempotencyKeys.userId, actor.userId), eq(idempotencyKeys.key, key), lt(idempotencyKeys.expiresAt, now)));
      const inserted = await tx
        .insert(idempotencyKeys)
        .values({ tenantId: actor.tenantId, id: newId(), userId: actor.userId, key, requestHash: hash, status: 'in_progress', expiresAt: new Date(now.getTime() + TTL_MS) })
        .onConflictDoNothing()
        .returning({ id: idempotencyKeys.id });
      if (inserted[0]) return { id: inserted[0].id };
      const [existing] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.tenantId, actor.tenantId), eq(idempotencyKeys.userId, actor.userId), eq(idempotencyKeys.key, key)));
      return { existing };
    });
    if ('existing' in reservation) {
      const existing = reservation.existing;
      if (!existing) throw new IdempotencyKeyInUseError('A request with this Idempotency-Key is still running; retry shortly.');
      if (existing.requestHash !== hash) throw new IdempotencyKeyReusedError('This Idempotency-Key was used with a different request.');
      if (existing.status !== 'completed') throw new IdempotencyKeyInUseError('A request with this Idempotency-Key is still running; retry shortly.');
      return { status: existing.responseStatus ?? 200, body: existing.responseBody ?? undefined, replayed: true };
    }
    const where = and(eq(idempotencyKeys.tenantId, actor.tenantId), eq(idempotencyKeys.id, reservation.id));
    let result: RouteResult;
    try {
      result = await run();
    } catch (error) {
      await db.withTenant(actor, (tx) => tx.delete(idempotencyKeys).where(where)).catch(() => undefined);
      throw error;
    }
    await db.withTenant(actor, (tx) =>
      tx.update(idempotencyKeys).set({ status: 'completed', responseStatus: result.status, responseBody: result.body ?? null }).where(where),
    );
    return result;
  };
}

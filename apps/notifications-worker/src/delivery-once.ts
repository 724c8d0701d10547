import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Database, TenantTx } from '@coachline/db/database';
import { processOnce, wasProcessed, type ProcessOnceResult } from '@coachline/db/processed-events';
import type { TenantScope } from '@coachline/domain/actor';

/** Another run of the same delivery kept its claim longer than a claim lasts. */
export class DeliveryInProgressError extends Error {}

// Only the claim's holder may renew or drop it.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const POLL_MS = 100;

/** Runs `fn` until it succeeds or `forMs` has passed, waiting a little longer after each failure. */
async function persistently<T>(fn: () => Promise<T>, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Sends something to the outside (an email, a push) once per event and
 * consumer, without holding a database connection while the outside answers:
 * a slow or hanging SMTP server or push service would otherwise pin one pooled
 * connection per send in an open transaction, and a handful of them stall every
 * tenant's notifications.
 *
 * The order is claim, check, send, record. The claim (in Redis, renewed while
 * the send runs, lapsing `claimMs` after its holder died) keeps two runs of one
 * delivery from sending at once: a second run waits, then finds the delivery
 * recorded and skips it, or takes the claim over once it lapsed. The record
 * (processed_events, with `record`'s own writes) commits after the send, retried
 * while the database is briefly away; a run that dies between the two sends
 * again on retry, with the same Message-ID.
 */
export function createDeliveryOnce(deps: { db: Database; redis: Redis; claimMs: number }) {
  const { db, redis, claimMs } = deps;
  const recorded = (scope: TenantScope, eventId: string, consumer: string) => db.readAsTenant(scope, (tx) => wasProcessed(tx, eventId, consumer));

  async function claim(key: string, token: string, scope: TenantScope, eventId: string, consumer: string): Promise<boolean> {
    const deadline = Date.now() + claimMs + POLL_MS;
    for (;;) {
      if ((await redis.set(key, token, 'PX', claimMs, 'NX')) === 'OK') return true;
      if (await recorded(scope, eventId, consumer)) return false;
      if (Date.now() > deadline) throw new DeliveryInProgressError(`${consumer} of event ${eventId} is being delivered by another run`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  return async function deliverOnce<T>(
    scope: TenantScope,
    eventId: string,
    consumer: string,
    send: () => Promise<T>,
    record: (tx: TenantTx, sent: T) => Promise<void> = async () => undefined,
  ): Promise<ProcessOnceResult<T>> {
    const key = `{delivery-claim}:${scope.tenantId}:${eventId}:${consumer}`;
    const token = randomUUID();
    if (!(await claim(key, token, scope, eventId, consumer))) return { done: false };
    const renewal = setInterval(() => void redis.eval(RENEW, 1, key, token, String(claimMs)).catch(() => undefined), Math.max(50, Math.floor(claimMs / 3)));
    try {
      if (await recorded(scope, eventId, consumer)) return { done: false };
      const sent = await send();
      // Sent and not yet recorded: a retry of the job would send it again, so the record is retried
      // here for as long as a claim lasts, which rides out a database restart or failover.
      const outcome = await persistently(() => db.withTenant(scope, (tx) => processOnce(tx, eventId, consumer, () => record(tx, sent))), claimMs);
      return outcome.done ? { done: true, value: sent } : { done: false };
    } finally {
      clearInterval(renewal);
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  };
}

import { afterCommit, type Database } from '@coachline/db/database';
import { emit } from '@coachline/db/outbox';
import { processOnce } from '@coachline/db/processed-events';
import type { TenantScope } from '@coachline/domain/actor';
import { scopeOf, type EventOf, type WebhookEventType } from '@coachline/domain/events';
import type { JobOf } from '@coachline/domain/queues';
import { webhookSecretContext } from '@coachline/domain/sealed-contexts';
import type { Logger } from '@coachline/runtime/logger';
import type { TypedQueue } from '@coachline/runtime/queues';
import type { SecretBox } from '@coachline/runtime/secret-box';
import { failedForTooLong, nextAttemptAt, type RetryPolicy } from './retry-policy';
import * as repo from './webhook-delivery.repository';
import type { WebhookSender } from './webhook-sender';

/** The consumer name recorded in processed_events; the relay's reconciler expects the queue's name. */
export const CONSUMER = 'webhooks';

export interface WebhookDeliveryDeps {
  db: Database;
  queue: TypedQueue<'webhooks'>;
  sender: WebhookSender;
  secrets: SecretBox;
  logger: Logger;
  policy: RetryPolicy;
  /** How long one attempt may take (the request's timeout); its claim lasts a little longer. */
  attemptTimeoutMs: number;
}

/**
 * BullMQ job ids of attempts: one per delivery and attempt number, so the
 * same attempt is queued once; `suffix` tells apart the extra wake-ups
 * (redelivery, sweep, waiting for a busy endpoint), which a claim makes harmless.
 * BullMQ 6 rejects ids with one ":", hence "_".
 */
const attemptJobId = (deliveryId: string, attempts: number, suffix?: string) => `webhook_${deliveryId}_${attempts}${suffix ? `_${suffix}` : ''}`;

/**
 * Deliveries of outbound webhooks: an event becomes one row per subscribed
 * endpoint; each attempt is a job of its own, at the time the row says, so a
 * failing endpoint's retries wait in Redis as delayed jobs and hold no worker
 * slot. The row is the schedule: a job that is lost is queued again by `sweep`.
 */
export function createWebhookDeliveryService(deps: WebhookDeliveryDeps) {
  const { db, queue, logger, policy } = deps;
  const leaseMs = deps.attemptTimeoutMs + 30_000;
  /** A wait for an endpoint that already has its share of attempts in flight: about one attempt's time, spread. */
  const busyDelayMs = () => Math.round(Math.min(deps.attemptTimeoutMs, 2_000) * (0.5 + Math.random()));

  const jobData = (scope: TenantScope, deliveryId: string): JobOf<'webhooks', 'deliver'> => ({
    tenantId: scope.tenantId,
    deliveryId,
    ...(scope.requestId ? { requestId: scope.requestId } : {}),
    ...(scope.traceparent ? { traceparent: scope.traceparent } : {}),
  });

  const enqueue = (scope: TenantScope, deliveryId: string, jobId: string, at?: Date) =>
    queue.add('deliver', jobData(scope, deliveryId), { jobId, delay: at ? Math.max(0, at.getTime() - Date.now()) : 0 });

  /** An event: one delivery per active endpoint subscribed to its type, each attempted at once. */
  async function fanOut(event: EventOf<WebhookEventType>): Promise<{ deliveries: number }> {
    const scope = scopeOf(event);
    const created = await db.withTenant(scope, async (tx) => {
      const outcome = await processOnce(tx, event.id, CONSUMER, async () => {
        const occurredAt = new Date(event.occurredAt);
        const endpoints = await repo.subscribedEndpoints(tx, event.type, occurredAt);
        return repo.insertDeliveries(tx, { id: event.id, type: event.type, payload: event.payload, occurredAt }, endpoints.map((e) => e.id));
      });
      return outcome.done ? outcome.value : [];
    });
    // Queued after the commit, so no attempt runs before its row exists; if this fails, the sweep finds the rows.
    await Promise.all(created.map((id) => enqueue(scope, id, attemptJobId(id, 0))));
    return { deliveries: created.length };
  }

  /** A redelivery the API made due: attempt it now. */
  async function redeliver(event: EventOf<'webhook_delivery.redelivery_requested'>): Promise<void> {
    const scope = scopeOf(event);
    const pending = await db.withTenant(scope, async (tx) => {
      const outcome = await processOnce(tx, event.id, CONSUMER, () => repo.isPending(tx, event.payload.deliveryId));
      return outcome.done && outcome.value;
    });
    if (pending) await enqueue(scope, event.payload.deliveryId, attemptJobId(event.payload.deliveryId, 0, `r${event.id}`));
  }

  /** One attempt of one delivery, if it is still due; the outcome and the next attempt are recorded together. */
  async function attempt(job: JobOf<'webhooks', 'deliver'>): Promise<{ outcome: string }> {
    const scope = scopeOf(job);
    const claimed = await db.withTenant(scope, (tx) => repo.claimAttempt(tx, job.deliveryId, leaseMs));
    // Settled, not due (another job has it, or it is scheduled later), or its endpoint is disabled or gone.
    if (!claimed) return { outcome: 'skipped' };
    const secret = deps.secrets.open(claimed.secretSealed, webhookSecretContext(claimed.endpointId));
    const result = await deps.sender.send(
      { id: claimed.endpointId, url: claimed.url },
      secret,
      { id: claimed.deliveryId, type: claimed.eventType, timestamp: claimed.occurredAt.toISOString(), data: claimed.payload },
    );
    const log = { deliveryId: claimed.deliveryId, endpointId: claimed.endpointId, attempt: claimed.attempts + 1 };

    if (result.kind === 'busy') {
      const at = new Date(Date.now() + busyDelayMs());
      await db.withTenant(scope, (tx) => repo.releaseAttempt(tx, claimed.deliveryId, at));
      await enqueue(scope, claimed.deliveryId, attemptJobId(claimed.deliveryId, claimed.attempts, `w${at.getTime()}`), at);
      return { outcome: 'busy' };
    }
    if (result.kind === 'delivered') {
      await db.withTenant(scope, (tx) => repo.recordSuccess(tx, claimed, result.status));
      logger.info('webhook delivered', { ...log, status: result.status });
      return { outcome: 'delivered' };
    }

    const next = await db.withTenant(scope, async (tx) => {
      const now = new Date();
      const failingSince = await repo.markFailing(tx, claimed.endpointId);
      if (failedForTooLong(policy, failingSince, now)) {
        await repo.recordFailure(tx, claimed, result, null);
        const url = await repo.disableEndpoint(tx, claimed.endpointId);
        if (url) {
          await emit(tx, 'webhook_endpoint.disabled', { endpointId: claimed.endpointId, url, failingSince: failingSince.toISOString() });
          afterCommit(tx, () => logger.warn('webhook endpoint disabled after failing for too long', { endpointId: claimed.endpointId, failingSince: failingSince.toISOString() }));
        }
        return null;
      }
      const at = nextAttemptAt(policy, claimed.attempts + 1, claimed.windowStartedAt, now);
      await repo.recordFailure(tx, claimed, result, at);
      return at;
    });
    logger.warn('webhook attempt failed', { ...log, status: result.status, error: result.error, nextAttemptAt: next?.toISOString() ?? null });
    if (next) await enqueue(scope, claimed.deliveryId, attemptJobId(claimed.deliveryId, claimed.attempts + 1), next);
    return { outcome: next ? 'retrying' : 'failed' };
  }

  /**
   * Queues an attempt for every pending delivery whose attempt is overdue by
   * `graceMs`. Duplicates of a job still waiting are harmless: the claim lets one through.
   */
  async function sweep(graceMs: number, limit = 500): Promise<number> {
    // Overdue deliveries of every tenant, found in one query: the system role. Each attempt then runs as its tenant.
    const overdue = await db.withSystem((tx) => repo.overdueDeliveries(tx, graceMs, limit));
    const bucket = Math.floor(Date.now() / Math.max(graceMs, 1));
    await Promise.all(overdue.map((d) => enqueue({ tenantId: d.tenantId }, d.id, attemptJobId(d.id, d.attempts, `s${bucket}`))));
    if (overdue.length > 0) logger.warn('queued overdue webhook attempts again', { count: overdue.length });
    return overdue.length;
  }

  return { fanOut, redeliver, attempt, sweep };
}

export type WebhookDeliveryService = ReturnType<typeof createWebhookDeliveryService>;

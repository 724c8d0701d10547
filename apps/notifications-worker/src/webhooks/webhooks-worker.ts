import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import type { OutboundHttp } from '@coachline/runtime/outbound-http';
import { consumeQueue } from '@coachline/runtime/queue-consumer';
import { TypedQueue } from '@coachline/runtime/queues';
import type { SecretBox } from '@coachline/runtime/secret-box';
import { webhooksHandlers } from '../handlers/webhooks.handlers';
import type { RetryPolicy } from './retry-policy';
import { createWebhookDeliveryService, type WebhookDeliveryService } from './webhook-delivery.service';
import { createWebhookSender } from './webhook-sender';

export interface WebhooksWorkerDeps {
  db: Database;
  /** BullMQ connection (`maxRetriesPerRequest: null`). */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** The outbound-HTTP guard every attempt goes through. */
  outbound: OutboundHttp;
  secrets: SecretBox;
  policy: RetryPolicy;
  timeoutMs: number;
  maxInFlightPerEndpoint: number;
  concurrency: number;
  sweepIntervalMs: number;
  autorun?: boolean;
  metrics?: MetricsRegistry;
}

export interface WebhooksWorker {
  readonly worker: Worker;
  readonly deliveries: WebhookDeliveryService;
  close(): Promise<void>;
}

/** Consumes the `webhooks` queue, and sweeps for attempts whose job was lost. */
export function createWebhooksWorker(deps: WebhooksWorkerDeps): WebhooksWorker {
  const queue = new TypedQueue('webhooks', deps.redis, deps.prefix);
  const sender = createWebhookSender({ outbound: deps.outbound, timeoutMs: deps.timeoutMs, logger: deps.logger, maxInFlightPerEndpoint: deps.maxInFlightPerEndpoint });
  const deliveries = createWebhookDeliveryService({ db: deps.db, queue, sender, secrets: deps.secrets, logger: deps.logger, policy: deps.policy, attemptTimeoutMs: deps.timeoutMs });
  const worker = consumeQueue('webhooks', webhooksHandlers(deliveries), {
    connection: deps.redis,
    prefix: deps.prefix,
    logger: deps.logger,
    concurrency: deps.concurrency,
    autorun: deps.autorun,
    metrics: deps.metrics,
  });
  let sweeping: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    // One sweep at a time: a slow one (Postgres under load) is not stacked on.
    sweeping ??= deliveries
      .sweep(deps.sweepIntervalMs)
      .catch((error: unknown) => deps.logger.warn('webhook sweep failed', { error: (error as Error).message }))
      .finally(() => (sweeping = undefined));
  }, deps.sweepIntervalMs);
  timer.unref();
  return {
    worker,
    deliveries,
    async close() {
      clearInterval(timer);
      await sweeping;
      // Stops taking jobs and waits for the attempts in flight (each ends within the request timeout).
      await worker.close();
      sender.close();
      await queue.close();
    },
  };
}

import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '@coachline/db/database';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import type { Mailer } from '@coachline/runtime/mailer';
import type { SecretBox } from '@coachline/runtime/secret-box';
import { consumeQueue, type StallSettings } from '@coachline/runtime/queue-consumer';
import { createLiveDelivery, type LiveDelivery } from './channels/live';
import type { PushSender } from './channels/web-push';
import type { EmailLimits } from './email-budget';
import { notificationsHandlers } from './handlers/notifications.handlers';

export interface NotificationsWorkerDeps {
  db: Database;
  /** BullMQ connection (`maxRetriesPerRequest: null`); also reads presence and publishes live notifications. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  mailer: Mailer;
  push: PushSender;
  appUrl: string;
  secrets: SecretBox;
  live?: LiveDelivery;
  emailLimits?: EmailLimits;
  concurrency?: number;
  stall?: StallSettings;
  /** See ProcessorDeps. */
  batchSize?: number;
  batchesInFlight?: number;
  autorun?: boolean;
  metrics?: MetricsRegistry;
}

export interface NotificationsWorker {
  readonly worker: Worker;
  close(): Promise<void>;
}

/** Consumes the `notifications` queue: every delivery of the platform (in-app, live, email, push). */
export function createNotificationsWorker(deps: NotificationsWorkerDeps): NotificationsWorker {
  const live = deps.live ?? createLiveDelivery(createLiveEmitter(deps.redis, (error) => deps.logger.warn('live notification publish failed', { error: error.message })));
  // A dead worker's claims on its deliveries lapse when its job locks do, so the job's next run is not held back longer.
  const worker = consumeQueue('notifications', notificationsHandlers({ ...deps, live, claimMs: deps.stall?.lockDurationMs }), {
    connection: deps.redis,
    prefix: deps.prefix,
    logger: deps.logger,
    concurrency: deps.concurrency ?? 256,
    stall: deps.stall,
    autorun: deps.autorun,
    metrics: deps.metrics,
  });
  return {
    worker,
    // Stops taking jobs and waits for the ones in flight.
    close: () => worker.close(),
  };
}

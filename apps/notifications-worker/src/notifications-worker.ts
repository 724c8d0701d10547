import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '@coachline/db/database';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import type { Mailer } from '@coachline/runtime/mailer';
import type { SecretBox } from '@coachline/runtime/secret-box';
import { consumeQueue, type StallSettings } from '@coachline/runtime/queue-consumer';
import { TypedQueue } from '@coachline/runtime/queues';
import { createLiveDelivery, type LiveDelivery } from './channels/live';
import type { PushSender } from './channels/web-push';
import type { EmailLimits } from './email-budget';
import { notificationDeliveriesHandlers } from './handlers/notification-deliveries.handlers';
import { notificationsHandlers } from './handlers/notifications.handlers';
import { createNotificationProcessor, type DeliveryJob } from './notification.processor';

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
  /** Email and push jobs at once (default 64); emails beyond the mailer's connections wait for one. */
  deliveryConcurrency?: number;
  stall?: StallSettings;
  /** See ProcessorDeps. */
  batchSize?: number;
  batchesInFlight?: number;
  autorun?: boolean;
  metrics?: MetricsRegistry;
}

export interface NotificationsWorker {
  readonly worker: Worker;
  /** The consumer of `notification-deliveries`: emails and pushes. */
  readonly deliveries: Worker;
  close(): Promise<void>;
}

/** BullMQ 6 refuses a custom job id of two ":"-separated parts, and a reminder's key has ":"s: they become "_". */
const deliveryJobId = (job: DeliveryJob) => `${job.key.replace(/:/g, '_')}_deliver`;

/**
 * Consumes the `notifications` queue (in-app rows, live notifications, the
 * emails of one kind) and the `notification-deliveries` queue its jobs hand
 * emails and pushes to: two BullMQ workers with slots of their own, so jobs
 * waiting on a slow SMTP server or push service never hold back the next in-app row.
 */
export function createNotificationsWorker(deps: NotificationsWorkerDeps): NotificationsWorker {
  const live = deps.live ?? createLiveDelivery(createLiveEmitter(deps.redis, (error) => deps.logger.warn('live notification publish failed', { error: error.message })));
  const handedOff = new TypedQueue('notification-deliveries', deps.redis, deps.prefix);
  // A dead worker's claims on its deliveries lapse when its job locks do, so the job's next run is not held back longer.
  const processorDeps = {
    ...deps,
    live,
    claimMs: deps.stall?.lockDurationMs,
    handOff: async (job: DeliveryJob) => {
      await handedOff.add('deliver', job, { jobId: deliveryJobId(job) });
    },
  };
  const processor = createNotificationProcessor(processorDeps);
  const consumer = { connection: deps.redis, prefix: deps.prefix, logger: deps.logger, stall: deps.stall, autorun: deps.autorun, metrics: deps.metrics };
  const worker = consumeQueue('notifications', notificationsHandlers(processorDeps, processor), { ...consumer, concurrency: deps.concurrency ?? 256 });
  const deliveries = consumeQueue('notification-deliveries', notificationDeliveriesHandlers(processor), { ...consumer, concurrency: deps.deliveryConcurrency ?? 64 });
  return {
    worker,
    deliveries,
    // Each stops taking jobs and waits for the ones in flight; the hand-off queue closes once nothing can add to it.
    close: async () => {
      await Promise.all([worker.close(), deliveries.close()]);
      await handedOff.close();
    },
  };
}

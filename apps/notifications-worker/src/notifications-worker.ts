import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '@coachline/db/database';
import { eventEnvelopeSchema } from '@coachline/domain/events';
import type { Logger } from '@coachline/runtime/logger';
import { consumeQueue } from '@coachline/runtime/queue-consumer';
import { createLiveDelivery, type LiveDelivery } from './channels/live';
import type { Mailer } from '@coachline/runtime/mailer';
import type { PushSender } from './channels/web-push';
import { createNotificationProcessor, type NotificationProcessor } from './notification.processor';

export interface NotificationsWorkerDeps {
  db: Database;
  /** BullMQ connection (`maxRetriesPerRequest: null`); also reads presence and publishes live notifications. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  mailer: Mailer;
  push: PushSender;
  appUrl: string;
  live?: LiveDelivery;
  concurrency?: number;
  /** See ProcessorDeps. */
  batchSize?: number;
  batchesInFlight?: number;
  autorun?: boolean;
}

export interface NotificationsWorker {
  readonly worker: Worker;
  readonly processor: NotificationProcessor;
  close(): Promise<void>;
}

/** Consumes the `notifications` queue: events and session reminders. */
export function createNotificationsWorker(deps: NotificationsWorkerDeps): NotificationsWorker {
  const processor = createNotificationProcessor({ ...deps, live: deps.live ?? createLiveDelivery(deps.redis) });
  const worker = consumeQueue(
    'notifications',
    {
      event: (envelope) => processor.event(eventEnvelopeSchema.parse(envelope)),
      'session.reminder': (job) => processor.reminder(job),
    },
    { connection: deps.redis, prefix: deps.prefix, logger: deps.logger, concurrency: deps.concurrency ?? 256, autorun: deps.autorun },
  );
  return {
    worker,
    processor,
    // Stops taking jobs and waits for the ones in flight.
    close: () => worker.close(),
  };
}

import type { Worker } from 'bullmq';
import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import { consumeQueue } from '@coachline/runtime/queue-consumer';
import { TypedQueue } from '@coachline/runtime/queues';
import type { Redis } from '@coachline/runtime/redis';
import type { Storage } from '@coachline/runtime/storage';
import type { Config } from './config';
import { maintenanceHandlers } from './handlers/maintenance.handlers';
import { remindersHandlers } from './handlers/reminders.handlers';
import { upsertRecurringJobs } from './job-schedulers';
import { ReminderService } from './reminders/reminder.service';

export interface SchedulerDeps {
  config: Config;
  db: Database;
  redis: Redis;
  logger: Logger;
  storage: Storage;
}

/**
 * The scheduler's own work (the outbox relay is wired beside it): the
 * `reminders` and `maintenance` queues, the clock of the recurring jobs, and a
 * start-up sweep that restores reminders Redis may have lost.
 */
export function createScheduler(deps: SchedulerDeps) {
  const { config, db, redis, logger } = deps;
  const prefix = config.QUEUE_PREFIX;
  const notifications = new TypedQueue('notifications', redis, prefix);
  const maintenance = new TypedQueue('maintenance', redis, prefix);
  const reminders = new ReminderService(db, notifications, config.REMINDER_OFFSETS_MINUTES);
  const workers: Worker[] = [];
  let stopping = false;
  let sweeping: Promise<unknown> = Promise.resolve();

  return {
    reminders,
    maintenance,
    async start() {
      workers.push(
        consumeQueue('reminders', remindersHandlers({ reminders, logger }), { connection: redis, prefix, logger, concurrency: 8 }),
        consumeQueue(
          'maintenance',
          maintenanceHandlers({
            db,
            storage: deps.storage,
            logger,
            notifications,
            auditRetentionDays: config.AUDIT_RETENTION_DAYS,
            uploadAbandonAfterSeconds: config.MEDIA_UPLOAD_ABANDON_AFTER_SECONDS,
          }),
          { connection: redis, prefix, logger, concurrency: 1 },
        ),
      );
      await upsertRecurringJobs(
        maintenance,
        [
          { name: 'purge-expired', pattern: config.PURGE_EXPIRED_CRON },
          { name: 'archive-audit-events', pattern: config.ARCHIVE_AUDIT_EVENTS_CRON },
          { name: 'weekly-progress-email', pattern: config.WEEKLY_PROGRESS_EMAIL_CRON },
          { name: 'abort-abandoned-uploads', pattern: config.ABORT_ABANDONED_UPLOADS_CRON },
        ],
        config.JOB_SCHEDULE_TZ,
      );
      // In the background: with many upcoming sessions the sweep takes a while, and the workers need not wait for it.
      sweeping = reminders
        .sweep({ stopped: () => stopping })
        .then((added) => logger.info('reminder sweep done', { added }))
        .catch((error: unknown) => logger.error('reminder sweep failed', { error: (error as Error).message }));
      logger.info('scheduler jobs started');
    },
    /** Resolves when the start-up sweep has finished (tests wait for it). */
    swept: () => sweeping,
    /** Stops taking jobs, lets running ones finish, then closes the queues. */
    async close() {
      stopping = true;
      await sweeping;
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([notifications.close(), maintenance.close()]);
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;

import type { Worker } from 'bullmq';
import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import { createWorker, TypedQueue } from '@coachline/runtime/queues';
import type { Redis } from '@coachline/runtime/redis';
import type { Storage } from '@coachline/runtime/storage';
import type { Config } from './config';
import { createAbortAbandonedUploads } from './jobs/abort-abandoned-uploads';
import { archiveAuditEvents } from './jobs/archive-audit-events.handler';
import { upsertRecurringJobs } from './jobs/job-schedulers';
import { createMaintenanceProcessor, type MaintenanceHandlers } from './jobs/maintenance.processor';
import { purgeExpired } from './jobs/purge-expired.handler';
import { sendWeeklyProgress } from './jobs/weekly-progress-email.handler';
import { createMailer, type Mailer } from '@coachline/runtime/mailer';
import { createReminderProcessor } from './reminders/reminder.processor';
import { ReminderService } from './reminders/reminder.service';

export interface SchedulerDeps {
  config: Config;
  db: Database;
  redis: Redis;
  logger: Logger;
  storage: Storage;
  mailer?: Mailer;
}

/**
 * The scheduler's own work (the outbox relay is wired beside it): session
 * reminders from the `reminders` queue, the recurring maintenance jobs, and
 * a start-up sweep that restores reminders Redis may have lost.
 */
export function createScheduler(deps: SchedulerDeps) {
  const { config, db, redis, logger } = deps;
  const prefix = config.QUEUE_PREFIX;
  const mailer = deps.mailer ?? createMailer({ smtpUrl: config.SMTP_URL, mailDir: config.MAIL_DIR, from: config.MAIL_FROM, timeoutMs: config.DELIVERY_TIMEOUT_MS, logger });
  const notifications = new TypedQueue('notifications', redis, prefix);
  const maintenance = new TypedQueue('maintenance', redis, prefix);
  const reminders = new ReminderService(db, notifications, config.REMINDER_OFFSETS_MINUTES);
  const abortAbandonedUploads = createAbortAbandonedUploads({ db, storage: deps.storage, logger, abandonAfterSeconds: config.MEDIA_UPLOAD_ABANDON_AFTER_SECONDS });
  const handlers: MaintenanceHandlers = {
    'purge-expired': () => purgeExpired(db),
    'archive-audit-events': () => archiveAuditEvents(db, config.AUDIT_RETENTION_DAYS),
    'weekly-progress-email': () => sendWeeklyProgress({ db, mailer, logger }),
    'abort-abandoned-uploads': () => abortAbandonedUploads(),
  };
  const workers: Worker[] = [];
  let stopping = false;
  let sweeping: Promise<unknown> = Promise.resolve();

  return {
    reminders,
    maintenance,
    async start() {
      workers.push(
        createWorker('reminders', createReminderProcessor(reminders, db, logger), { connection: redis, prefix, concurrency: 8 }),
        createWorker('maintenance', createMaintenanceProcessor(handlers), { connection: redis, prefix, concurrency: 1 }),
      );
      for (const worker of workers) worker.on('failed', (job, error) => logger.warn('job failed', { queue: worker.name, job: job?.name, jobId: job?.id, error: error.message }));
      await upsertRecurringJobs(
        maintenance.queue,
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
      mailer.close();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;

import type { Worker } from 'bullmq';
import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import { consumeQueue, stallSettings } from '@coachline/runtime/queue-consumer';
import { exportQueueDepths } from '@coachline/runtime/queue-metrics';
import { TypedQueue } from '@coachline/runtime/queues';
import { QUEUE_NAMES } from '@coachline/domain/queues';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { createProviderRegistry } from '@coachline/runtime/providers/provider-registry';
import type { Redis } from '@coachline/runtime/redis';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import type { Storage } from '@coachline/runtime/storage';
import type { Config } from './config';
import { BillingService } from './billing/billing.service';
import { RollupService } from './analytics/rollup.service';
import { TriageDetector } from './analytics/triage-detector';
import { triageThresholds } from '@coachline/runtime/triage.config';
import { analyticsHandlers } from './handlers/analytics.handlers';
import { generationHandlers } from './handlers/generation.handlers';
import { ProgramGenerationService } from './generation/program-generation.service';
import { programNotesWriterFrom } from './generation/program-notes.writer';
import { billingHandlers } from './handlers/billing.handlers';
import { integrationsHandlers } from './handlers/integrations.handlers';
import { maintenanceHandlers } from './handlers/maintenance.handlers';
import { IntegrationSyncService } from './integrations/integration-sync.service';
import { restoreSyncSchedules } from './integrations/restore-sync-schedules';
import { SyncSchedules } from './integrations/sync-schedules';
import { remindersHandlers } from './handlers/reminders.handlers';
import { upsertRecurringJobs, type RecurringJob } from './job-schedulers';
import { retryInfrastructureFailures } from './repair/infrastructure-retry';
import { startRepairLoop } from './repair/repair-loop';
import { ReminderService } from './reminders/reminder.service';

export interface SchedulerDeps {
  config: Config;
  db: Database;
  redis: Redis;
  logger: Logger;
  storage: Storage;
  metrics?: MetricsRegistry;
}

/**
 * The scheduler's own work (the outbox relay is wired beside it): the
 * `reminders`, `maintenance`, `billing`, `integrations`, `analytics` and `generation` queues, the clock of the recurring jobs, a
 * start-up sweep that restores reminders Redis may have lost, and a repair loop
 * that does the same periodically and retries jobs an outage failed.
 */
export function createScheduler(deps: SchedulerDeps) {
  const { config, db, redis, logger } = deps;
  const prefix = config.QUEUE_PREFIX;
  const notifications = new TypedQueue('notifications', redis, prefix);
  const maintenance = new TypedQueue('maintenance', redis, prefix);
  const integrations = new TypedQueue('integrations', redis, prefix);
  const schedules = new SyncSchedules(integrations, config.INTEGRATION_SYNC_EVERY_MS);
  // Fitness providers (their breakers are this process's view of each provider) and the box their tokens are sealed in.
  const providers = createProviderRegistry(config, { redis, logger });
  const sync = new IntegrationSyncService(db, providers, secretBoxFromSetting(config.ENCRYPTION_KEYS), schedules, logger, { firstSyncLookbackDays: config.INTEGRATION_FIRST_SYNC_LOOKBACK_DAYS });
  const reminders = new ReminderService(db, notifications, config.REMINDER_OFFSETS_MINUTES);
  const workers: Worker[] = [];
  let stopping = false;
  let sweeping: Promise<unknown> = Promise.resolve();
  let repair: ReturnType<typeof startRepairLoop> | undefined;
  const stall = stallSettings(config);
  // Every queue's failed set, for the infrastructure retry (other apps consume them).
  const own: Partial<Record<(typeof QUEUE_NAMES)[number], TypedQueue<(typeof QUEUE_NAMES)[number]>>> = { notifications, maintenance, integrations };
  const allQueues = QUEUE_NAMES.map((name) => own[name] ?? new TypedQueue(name, redis, prefix));
  // Every queue's depth, read from Redis on each scrape (the relay publishes to all of them, so they are this process's concern).
  if (deps.metrics) exportQueueDepths(deps.metrics, allQueues.map((q) => q.queue));
  const recurring: RecurringJob[] = [
    { name: 'purge-expired', pattern: config.PURGE_EXPIRED_CRON },
    { name: 'archive-audit-events', pattern: config.ARCHIVE_AUDIT_EVENTS_CRON },
    { name: 'weekly-progress-email', pattern: config.WEEKLY_PROGRESS_EMAIL_CRON },
    { name: 'abort-abandoned-uploads', pattern: config.ABORT_ABANDONED_UPLOADS_CRON },
    { name: 'dunning-reminders', pattern: config.DUNNING_REMINDERS_CRON },
    { name: 'triage-sweep', pattern: config.TRIAGE_SWEEP_CRON },
    { name: 'triage-summary-email', pattern: config.TRIAGE_SUMMARY_EMAIL_CRON },
  ];
  const billing = new BillingService(db, logger);
  const triage = new TriageDetector(triageThresholds(config));
  const generation = new ProgramGenerationService(
    db,
    createLiveEmitter(redis, (error) => logger.warn('live generation progress not published', { error: error.message })),
    logger,
    programNotesWriterFrom(config),
  );

  return {
    reminders,
    maintenance,
    integrations,
    sync,
    async start() {
      workers.push(
        consumeQueue('reminders', remindersHandlers({ reminders, logger }), { connection: redis, prefix, logger, concurrency: 8, stall, metrics: deps.metrics }),
        consumeQueue(
          'maintenance',
          maintenanceHandlers({
            db,
            storage: deps.storage,
            logger,
            notifications,
            auditRetentionDays: config.AUDIT_RETENTION_DAYS,
            uploadAbandonAfterSeconds: config.MEDIA_UPLOAD_ABANDON_AFTER_SECONDS,
            dunningIntervalHours: config.DUNNING_REMINDER_INTERVAL_HOURS,
            dunningMaxReminders: config.DUNNING_MAX_REMINDERS,
            triage,
          }),
          { connection: redis, prefix, logger, concurrency: 1, stall, metrics: deps.metrics },
        ),
        consumeQueue('billing', billingHandlers({ billing, logger }), { connection: redis, prefix, logger, concurrency: 4, stall }),
        consumeQueue('integrations', integrationsHandlers({ db, sync, schedules, logger }), {
          connection: redis,
          prefix,
          logger,
          concurrency: config.INTEGRATION_SYNC_CONCURRENCY,
          stall,
          metrics: deps.metrics,
        }),
        consumeQueue('analytics', analyticsHandlers({ rollups: new RollupService(db, redis, logger, triage) }), { connection: redis, prefix, logger, concurrency: 8, stall, metrics: deps.metrics }),
        consumeQueue('generation', generationHandlers({ generation }), { connection: redis, prefix, logger, concurrency: config.GENERATION_CONCURRENCY, stall, metrics: deps.metrics }),
      );
      await upsertRecurringJobs(maintenance, recurring, config.JOB_SCHEDULE_TZ);
      // In the background: with many upcoming sessions the sweep takes a while, and the workers need not wait for it.
      sweeping = reminders
        .sweep({ stopped: () => stopping })
        .then((added) => logger.info('reminder sweep done', { added }))
        .catch((error: unknown) => logger.error('reminder sweep failed', { error: (error as Error).message }));
      // Redis can lose delayed jobs and job schedulers (a flush, a failover to a stale replica) while this process keeps running.
      repair = startRepairLoop(
        [
          { name: 'recurring-jobs', run: () => upsertRecurringJobs(maintenance, recurring, config.JOB_SCHEDULE_TZ) },
          { name: 'reminders', run: () => sweeping.then(() => reminders.sweep({ stopped: () => stopping })) },
          { name: 'integration-schedules', run: () => restoreSyncSchedules(db, schedules, { stopped: () => stopping }) },
          {
            name: 'infrastructure-retry',
            run: async () => {
              // Only once Postgres answers again: a job retried into the same outage would just fail again.
              await db.ping();
              return retryInfrastructureFailures(
                allQueues.map((q) => q.queue),
                redis,
                { maxPerRun: config.INFRA_RETRY_MAX_PER_RUN, maxRetriesPerJob: config.INFRA_RETRY_MAX_PER_JOB },
              );
            },
          },
        ],
        { intervalMs: config.SCHEDULER_REPAIR_INTERVAL_MS, logger },
      );
      logger.info('scheduler jobs started');
    },
    /** Resolves when the start-up sweep has finished (tests wait for it). */
    swept: () => sweeping,
    /** Stops taking jobs, lets running ones finish, then closes the queues. */
    async close() {
      stopping = true;
      await repair?.stop();
      await sweeping;
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(allQueues.map((queue) => queue.close()));
      providers.close();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;

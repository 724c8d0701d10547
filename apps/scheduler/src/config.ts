import { baseConfigSchema, z } from '@coachline/runtime/config';
import { providersConfigSchema } from '@coachline/runtime/providers/providers.config';
import { queueWorkerConfigSchema } from '@coachline/runtime/queue-consumer';
import { loopbackNeverInProduction, outboundConfigSchema } from '@coachline/runtime/outbound-http';
import { encryptionConfigSchema } from '@coachline/runtime/secret-box';
import { storageConfigSchema } from '@coachline/runtime/storage.config';
import { triageConfigSchema } from '@coachline/runtime/triage.config';
import { programNotesConfigSchema } from './generation/program-notes.config';

const minuteList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'comma-separated whole minutes, such as 1440,60')
  .transform((s) => [...new Set(s.split(',').map(Number))].filter((n) => n > 0).sort((a, b) => b - a))
  .refine((list) => list.length > 0, 'at least one positive offset');

/** Five-field cron, read by BullMQ's job schedulers. */
const cron = z.string().regex(/^(\S+\s+){4}\S+$/, 'five-field cron expression');

export const configSchema = baseConfigSchema
  .extend(storageConfigSchema.shape)
  .extend(encryptionConfigSchema.shape)
  .extend(providersConfigSchema.shape)
  .extend(queueWorkerConfigSchema.shape)
  .extend(triageConfigSchema.shape)
  .extend(outboundConfigSchema.shape)
  .extend(programNotesConfigSchema.shape)
  .extend({
  /** Side port for /health, /health/ready and /metrics. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(9101),
  /** How long before a session both parties are reminded; tests shorten these. */
  REMINDER_OFFSETS_MINUTES: minuteList.default([1440, 60]),
  /** Time zone the cron expressions below are read in. */
  JOB_SCHEDULE_TZ: z.string().default('UTC'),
  PURGE_EXPIRED_CRON: cron.default('17 * * * *'),
  ARCHIVE_AUDIT_EVENTS_CRON: cron.default('40 3 * * *'),
  /** Audit events older than this move to audit_events_archive. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  /** Monday morning: the notifications worker then emails the ISO week that just ended. */
  WEEKLY_PROGRESS_EMAIL_CRON: cron.default('0 7 * * 1'),
  /** Often enough that an abandoned upload's parts do not outlive MEDIA_UPLOAD_ABANDON_AFTER_SECONDS by much. */
  ABORT_ABANDONED_UPLOADS_CRON: cron.default('*/10 * * * *'),
  /**
   * Uploads still pending this long after their intent are aborted and their
   * reservation released: parts sit in the store uncounted until then, so hours, not a day.
   */
  MEDIA_UPLOAD_ABANDON_AFTER_SECONDS: z.coerce.number().int().min(60).default(7_200),
  /**
   * Every so often the scheduler repairs what Redis may have lost or an outage
   * left behind: it upserts the recurring jobs' schedulers again, re-derives
   * session reminders from Postgres, and gives jobs that failed on an
   * unreachable database or Redis their attempts back.
   */
  SCHEDULER_REPAIR_INTERVAL_MS: z.coerce.number().int().min(100).default(300_000),
  /** Failed jobs moved back per repair run, and times one job is given back its attempts. */
  INFRA_RETRY_MAX_PER_RUN: z.coerce.number().int().min(1).default(500),
  INFRA_RETRY_MAX_PER_JOB: z.coerce.number().int().min(1).default(5),
  /** How often past-due subscriptions are looked at for a dunning reminder. */
  DUNNING_REMINDERS_CRON: cron.default('0 * * * *'),
  /** A past-due buyer is reminded this long after the failure, then again after each reminder, until Stripe cancels. */
  DUNNING_REMINDER_INTERVAL_HOURS: z.coerce.number().min(0).default(72),
  DUNNING_MAX_REMINDERS: z.coerce.number().int().min(0).default(4),
  /** Hourly: items that time alone brings (an athlete gone quiet, workouts missed) are announced within the hour. */
  TRIAGE_SWEEP_CRON: cron.default('23 * * * *'),
  /** Monday morning, like the athletes' weekly progress: the coaches' summary of the week's triage items. */
  TRIAGE_SUMMARY_EMAIL_CRON: cron.default('5 7 * * 1'),
  /** Events claimed per relay batch. */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  /** The relay's fallback poll; LISTEN/NOTIFY wakes it at once otherwise. */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),
  /** An event published this long ago that its consumer has not recorded is re-published. */
  OUTBOX_RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(1).default(300),
  OUTBOX_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Publishes per event (the first included) before the reconciler gives up on it. */
  OUTBOX_MAX_PUBLISH_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  /** How often each active provider connection syncs; each connection has its own offset within the period. */
  INTEGRATION_SYNC_EVERY_MS: z.coerce.number().int().min(1_000).default(15 * 60_000),
  /** How far back a connection's first sync imports activities. */
  INTEGRATION_FIRST_SYNC_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Syncs one scheduler process runs at once. */
  INTEGRATION_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** Program generations one scheduler process runs at once; each is milliseconds of rules and a few writes. */
  GENERATION_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  })
  .refine((config) => Boolean(config.PROGRAM_NOTES_LLM_URL) === Boolean(config.PROGRAM_NOTES_LLM_MODEL), {
    path: ['PROGRAM_NOTES_LLM_MODEL'],
    message: 'set with PROGRAM_NOTES_LLM_URL, or neither',
  })
  .refine(...loopbackNeverInProduction);

export type Config = z.infer<typeof configSchema>;

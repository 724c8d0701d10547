import { createDatabase, databaseOptions } from '@coachline/db/database';
import { startHealthServer } from '@coachline/runtime/health';
import type { Logger } from '@coachline/runtime/logger';
import { createMailer } from '@coachline/runtime/mailer';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { stallSettings } from '@coachline/runtime/queue-consumer';
import { checkRedis, createRedis } from '@coachline/runtime/redis';
import type { Closer } from '@coachline/runtime/shutdown';
import { createPushSender, vapidKeys } from './channels/web-push';
import type { Config } from './config';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import { createNotificationsWorker } from './notifications-worker';
import { createWebhooksWorker } from './webhooks/webhooks-worker';

/** Consumes the notifications queue and delivers; main.ts loads this module once tracing is on. */
export async function start(config: Config, logger: Logger): Promise<Closer[]> {
  const db = createDatabase(databaseOptions(config, 'notifications-worker'));
  const redis = createRedis(config.REDIS_URL);
  const metrics = createMetricsRegistry('notifications-worker');

  const health = await startHealthServer(config.HEALTH_PORT, { db: () => db.ping(), redis: () => checkRedis(redis) }, metrics);
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, mailDir: config.MAIL_DIR, from: config.MAIL_FROM, timeoutMs: config.DELIVERY_TIMEOUT_MS, maxConnections: config.SMTP_MAX_CONNECTIONS, logger });
  const vapid = vapidKeys({ publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT }, logger);
  const outbound = createOutboundHttp({ allowLoopback: config.OUTBOUND_ALLOW_LOOPBACK, timeoutMs: config.DELIVERY_TIMEOUT_MS, maxResponseBytes: 64 * 1024 });
  const secrets = secretBoxFromSetting(config.ENCRYPTION_KEYS);
  const push = createPushSender({ vapid, outbound, timeoutMs: config.DELIVERY_TIMEOUT_MS, logger });
  const worker = createNotificationsWorker({
    db,
    redis,
    prefix: config.QUEUE_PREFIX,
    logger,
    mailer,
    push,
    appUrl: config.PUBLIC_APP_URL,
    secrets,
    concurrency: config.NOTIFICATIONS_CONCURRENCY,
    metrics,
    stall: stallSettings(config),
    emailLimits: {
      perRecipient: config.NOTIFICATION_EMAILS_PER_RECIPIENT,
      windowSeconds: config.NOTIFICATION_EMAIL_WINDOW_SECONDS,
      perTenantPerHour: config.NOTIFICATION_EMAILS_PER_TENANT_PER_HOUR,
    },
  });
  const webhooks = createWebhooksWorker({
    db,
    redis,
    prefix: config.QUEUE_PREFIX,
    logger,
    outbound,
    secrets,
    policy: {
      firstRetryMs: config.WEBHOOK_FIRST_RETRY_MS,
      maxRetryDelayMs: config.WEBHOOK_MAX_RETRY_DELAY_MS,
      retryWindowMs: config.WEBHOOK_RETRY_WINDOW_MS,
      disableAfterMs: config.WEBHOOK_DISABLE_AFTER_MS,
    },
    timeoutMs: config.DELIVERY_TIMEOUT_MS,
    maxInFlightPerEndpoint: config.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT,
    concurrency: config.WEBHOOKS_CONCURRENCY,
    sweepIntervalMs: config.WEBHOOK_SWEEP_INTERVAL_MS,
    metrics,
  });
  logger.info('notifications-worker started', { healthPort: config.HEALTH_PORT, smtp: Boolean(config.SMTP_URL), mailDir: config.SMTP_URL ? undefined : config.MAIL_DIR });

  return [
    { name: 'worker', close: () => worker.close() },
    { name: 'webhooks', close: () => webhooks.close() },
    { name: 'mailer', close: () => mailer.close() },
    { name: 'health', close: () => new Promise((resolve) => health.close(() => resolve(undefined))) },
    { name: 'redis', close: () => redis.quit() },
    { name: 'postgres', close: () => db.close() },
  ];
}

import { baseConfigSchema, z } from '@coachline/runtime/config';
import { mailConfigSchema } from '@coachline/runtime/mailer';
import { loopbackAllowed, loopbackNeverInProduction, outboundConfigSchema } from '@coachline/runtime/outbound-http';
import { queueWorkerConfigSchema } from '@coachline/runtime/queue-consumer';
import { encryptionConfigSchema } from '@coachline/runtime/secret-box';

export const configSchema = baseConfigSchema.extend(mailConfigSchema.shape).extend(encryptionConfigSchema.shape).extend(outboundConfigSchema.shape).extend(queueWorkerConfigSchema.shape).extend({
  /** Side port for /health, /health/ready and /metrics. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(9102),
  /** Jobs held at once by one process; events among them that wait for a transaction gather into per-tenant batches. */
  NOTIFICATIONS_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(256),
  /** Base of links in emails (invitation accept page, notification targets). */
  PUBLIC_APP_URL: z.url().default('http://localhost:3000'),
  /** VAPID keys for Web Push (`npx web-push generate-vapid-keys`); generated per process in development when unset. */
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  VAPID_SUBJECT: z.string().default('mailto:ops@coachline.local'),
  /** Timeout of one SMTP send or push request. */
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Notification emails one recipient gets per window; the next is one digest, the rest stay in the app (in-app is never capped). */
  NOTIFICATION_EMAILS_PER_RECIPIENT: z.coerce.number().int().min(1).max(10_000).default(5),
  NOTIFICATION_EMAIL_WINDOW_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Notification emails one tenant sends per hour, every recipient together; invitations and sign-ups are not counted. */
  NOTIFICATION_EMAILS_PER_TENANT_PER_HOUR: z.coerce.number().int().min(1).default(2000),
  /** Webhook attempts one process runs at once; a receiver that hangs holds one for at most DELIVERY_TIMEOUT_MS. */
  WEBHOOKS_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /** Attempts in flight to one endpoint at once, in one process; the rest wait their turn, so one slow receiver cannot take every slot. */
  WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: z.coerce.number().int().min(1).max(100).default(4),
  /** Delay before the first retry of a failed delivery; later retries double it, with jitter, up to WEBHOOK_MAX_RETRY_DELAY_MS. */
  WEBHOOK_FIRST_RETRY_MS: z.coerce.number().int().min(1).max(60_000).default(30_000),
  WEBHOOK_MAX_RETRY_DELAY_MS: z.coerce.number().int().min(1).default(4 * 3600 * 1000),
  /** How long a delivery is retried after its creation or redelivery (at least 24 hours in production). */
  WEBHOOK_RETRY_WINDOW_MS: z.coerce.number().int().min(1).default(3 * 24 * 3600 * 1000),
  /** An endpoint failing without a success for this long is disabled and its ADMINs are told. */
  WEBHOOK_DISABLE_AFTER_MS: z.coerce.number().int().min(1).default(3 * 24 * 3600 * 1000),
  /** How often each process looks for deliveries whose attempt is overdue (a job Redis lost, a process that died mid-attempt). */
  WEBHOOK_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
})
  .refine((config) => config.NODE_ENV !== 'production' || Boolean(config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY), {
    path: ['VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY'],
    message: 'required in production',
  })
  .refine(...loopbackNeverInProduction)
  .refine((config) => config.NODE_ENV !== 'production' || config.WEBHOOK_RETRY_WINDOW_MS >= 24 * 3600 * 1000, {
    path: ['WEBHOOK_RETRY_WINDOW_MS'],
    message: 'at least 24 hours in production',
  })
  .transform((config) => ({ ...config, OUTBOUND_ALLOW_LOOPBACK: loopbackAllowed(config) }));

export type Config = z.infer<typeof configSchema>;

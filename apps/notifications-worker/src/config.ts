import { baseConfigSchema, z } from '@coachline/runtime/config';
import { mailConfigSchema } from '@coachline/runtime/mailer';
import { queueWorkerConfigSchema } from '@coachline/runtime/queue-consumer';
import { encryptionConfigSchema } from '@coachline/runtime/secret-box';

export const configSchema = baseConfigSchema.extend(mailConfigSchema.shape).extend(encryptionConfigSchema.shape).extend(queueWorkerConfigSchema.shape).extend({
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
  /**
   * Whether pushes may go to loopback addresses (over plain http: too), so local
   * receivers stand in for push services. Unset: only when NODE_ENV=development;
   * never allowed in production. Test harnesses set it explicitly.
   */
  OUTBOUND_ALLOW_LOOPBACK: z.enum(['true', 'false']).optional(),
})
  .refine((config) => config.NODE_ENV !== 'production' || Boolean(config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY), {
    path: ['VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY'],
    message: 'required in production',
  })
  .refine((config) => config.NODE_ENV !== 'production' || config.OUTBOUND_ALLOW_LOOPBACK !== 'true', {
    path: ['OUTBOUND_ALLOW_LOOPBACK'],
    message: 'never allowed in production',
  })
  .transform((config) => ({
    ...config,
    OUTBOUND_ALLOW_LOOPBACK: config.OUTBOUND_ALLOW_LOOPBACK === undefined ? config.NODE_ENV === 'development' : config.OUTBOUND_ALLOW_LOOPBACK === 'true',
  }));

export type Config = z.infer<typeof configSchema>;

import { baseConfigSchema, z } from '@coachline/runtime/config';
import { mailConfigSchema } from '@coachline/runtime/mailer';

export const configSchema = baseConfigSchema.extend(mailConfigSchema.shape).extend({
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
}).refine((config) => config.NODE_ENV !== 'production' || Boolean(config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY), {
  path: ['VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY'],
  message: 'required in production',
});

export type Config = z.infer<typeof configSchema>;

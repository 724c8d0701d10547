import { baseConfigSchema, loadConfig, z } from '@coachline/runtime/config';

export const configSchema = baseConfigSchema.extend({
  /** Side port for /health, /health/ready and /metrics. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(9101),
  /** Events claimed per relay batch. */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  /** The relay's fallback poll; LISTEN/NOTIFY wakes it at once otherwise. */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),
  /** An event published this long ago that its consumer has not recorded is re-published. */
  OUTBOX_RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(1).default(300),
  OUTBOX_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Publishes per event (the first included) before the reconciler gives up on it. */
  OUTBOX_MAX_PUBLISH_ATTEMPTS: z.coerce.number().int().min(1).default(5),
});

export type Config = z.infer<typeof configSchema>;

export function loadAppConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(configSchema, env);
}

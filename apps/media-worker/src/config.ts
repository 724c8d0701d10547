import { baseConfigSchema, loadConfig, z } from '@coachline/runtime/config';

export const configSchema = baseConfigSchema.extend({
  /** Side port for /health, /health/ready and /metrics. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(9103),
});

export type Config = z.infer<typeof configSchema>;

export function loadAppConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(configSchema, env);
}

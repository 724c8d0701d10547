import { accessTokenConfigSchema } from '@coachline/runtime/access-token';
import { baseConfigSchema, loadConfig, z } from '@coachline/runtime/config';

export const configSchema = baseConfigSchema.extend(accessTokenConfigSchema.shape).extend({
  /** Socket.io, and /health, /health/ready and /metrics on the same port. */
  REALTIME_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
});

export type Config = z.infer<typeof configSchema>;

export function loadAppConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(configSchema, env);
}

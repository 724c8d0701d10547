import { z } from 'zod';

export class ConfigError extends Error {}

/** Settings put on top of the process environment (tests set their own queue prefix, log level, ports); undefined unsets one. */
export type ConfigOverrides = Record<string, string | number | undefined>;

/**
 * Parses the environment once into a typed object; a process with bad
 * configuration stops at start with every problem listed.
 */
export function loadConfig<S extends z.ZodType>(schema: S, overrides: ConfigOverrides = {}): z.infer<S> {
  const env = { ...process.env, ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, v === undefined ? undefined : String(v)])) };
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** Settings every process shares. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'debug', 'silent']).default('info'),
  DATABASE_URL: z.url(),
  DATABASE_SYSTEM_URL: z.url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * How long taking a connection may wait (a new connection's handshake, or a
   * free one from a full pool) before it fails: a Postgres that is unreachable
   * without refusing (a dropped route, a stalled server) then gives 503, not a
   * request that hangs.
   */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** True when a pooler in transaction mode (PgBouncer) sits in front of Postgres: no session-level PREPARE. */
  DATABASE_TRANSACTION_POOLER: bool,
  REDIS_URL: z.url(),
  /** Prefix of every BullMQ key; keep the hash tag so queues run on Redis Cluster. */
  QUEUE_PREFIX: z.string().regex(/^\{[a-z0-9-]+\}$/).default('{coachline}'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_ENABLED: bool,
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

export { z };

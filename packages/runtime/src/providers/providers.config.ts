import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

/**
 * Fitness providers, for the gateway (connect, callback, pushes) and the
 * scheduler (syncs). A provider without a client id is off: its routes answer
 * 404. `pnpm dev` and `pnpm test` point Strava at the local stand-in when no
 * real client id is set.
 */
export const providersConfigSchema = z.object({
  STRAVA_CLIENT_ID: optionalText,
  STRAVA_CLIENT_SECRET: optionalText,
  /** Strava's OAuth base: `/authorize`, `/token` and `/deauthorize` hang off it. */
  STRAVA_OAUTH_URL: z.url().default('https://www.strava.com/oauth'),
  STRAVA_API_URL: z.url().default('https://www.strava.com/api/v3'),
  /** The `verify_token` given when the push subscription was created; Strava echoes it in the handshake. */
  STRAVA_WEBHOOK_VERIFY_TOKEN: optionalText,
  /** The push subscription's id; events for any other subscription are refused. */
  STRAVA_SUBSCRIPTION_ID: z.coerce.number().int().positive().optional(),
  /** Strava's application limits, shared by every tenant: per 15 minutes and per day. */
  STRAVA_RATE_LIMIT_15MIN: z.coerce.number().int().min(1).default(100),
  STRAVA_RATE_LIMIT_DAILY: z.coerce.number().int().min(1).default(1000),
  /** Requests held back from each window, so interactive calls (connect, disconnect) still get through when syncs have used the rest. */
  PROVIDER_RATE_HEADROOM: z.coerce.number().int().min(0).default(5),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** How long a provider's open breaker refuses calls before it lets one through to test. */
  PROVIDER_BREAKER_RESET_MS: z.coerce.number().int().min(100).default(30_000),
  /** A push whose event time is further than this from now is refused: Strava retries within minutes, never days. */
  PROVIDER_PUSH_REPLAY_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600),
  /**
   * Plain `http:` to loopback addresses, for the local provider stand-in.
   * Defaults to on in development only; production refuses it.
   */
  PROVIDER_ALLOW_LOOPBACK: z.enum(['true', 'false']).optional(),
});

export type ProvidersConfig = z.infer<typeof providersConfigSchema>;

/** Whether provider calls may reach loopback, from the setting and the environment. */
export function providerLoopbackAllowed(config: { NODE_ENV: string; PROVIDER_ALLOW_LOOPBACK?: 'true' | 'false' }): boolean {
  if (config.NODE_ENV === 'production') return false;
  return config.PROVIDER_ALLOW_LOOPBACK === undefined ? config.NODE_ENV === 'development' : config.PROVIDER_ALLOW_LOOPBACK === 'true';
}

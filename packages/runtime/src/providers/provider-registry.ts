import type { ProviderName } from '@coachline/domain/api/integrations';
import type { Logger } from '../logger';
import { createOutboundHttp } from '../outbound-http';
import type { Redis } from '../redis';
import type { IntegrationProvider } from './provider';
import { providerLoopbackAllowed, type ProvidersConfig } from './providers.config';
import { createRateBudget } from './rate-budget';
import { createStravaProvider } from './strava.provider';

/** The configured providers by name; one without credentials is absent. */
export interface ProviderRegistry {
  get(name: string): IntegrationProvider | undefined;
  close(): void;
}

/**
 * Builds each configured provider once per process: its breaker is the
 * process's view of that provider's health, and its budget is shared through
 * Redis with every other process.
 */
export function createProviderRegistry(config: ProvidersConfig & { NODE_ENV: string; QUEUE_PREFIX: string }, deps: { redis: Redis; logger: Logger }): ProviderRegistry {
  const allowLoopback = providerLoopbackAllowed(config);
  const outbound = createOutboundHttp({ allowLoopback, timeoutMs: config.PROVIDER_TIMEOUT_MS, maxResponseBytes: 2 * 1024 * 1024 });
  const providers = new Map<ProviderName, IntegrationProvider & { shutdown(): void }>();
  if (config.STRAVA_CLIENT_ID && config.STRAVA_CLIENT_SECRET) {
    providers.set(
      'strava',
      createStravaProvider({
        clientId: config.STRAVA_CLIENT_ID,
        clientSecret: config.STRAVA_CLIENT_SECRET,
        oauthUrl: config.STRAVA_OAUTH_URL.replace(/\/$/, ''),
        apiUrl: config.STRAVA_API_URL,
        webhookVerifyToken: config.STRAVA_WEBHOOK_VERIFY_TOKEN,
        subscriptionId: config.STRAVA_SUBSCRIPTION_ID,
        replayWindowSeconds: config.PROVIDER_PUSH_REPLAY_WINDOW_SECONDS,
        outbound,
        allowLoopback,
        budget: createRateBudget({
          redis: deps.redis,
          prefix: config.QUEUE_PREFIX,
          provider: 'strava',
          shortWindowSeconds: 15 * 60,
          shortLimit: config.STRAVA_RATE_LIMIT_15MIN,
          dailyLimit: config.STRAVA_RATE_LIMIT_DAILY,
          headroom: config.PROVIDER_RATE_HEADROOM,
        }),
        timeoutMs: config.PROVIDER_TIMEOUT_MS,
        breakerResetMs: config.PROVIDER_BREAKER_RESET_MS,
        logger: deps.logger,
      }),
    );
  }
  return {
    get: (name) => providers.get(name as ProviderName),
    close: () => providers.forEach((provider) => provider.shutdown()),
  };
}

import Stripe from 'stripe';
import { ServiceUnavailableError } from '@coachline/domain/errors';
import type { GatewayConfig } from '../../config';

export type StripeClient = Stripe;

/** The official SDK, pointed at STRIPE_API_URL when set (the local stand-in); undefined without a secret key. */
export function createStripeClient(config: Pick<GatewayConfig, 'STRIPE_SECRET_KEY' | 'STRIPE_API_URL'>): Stripe | undefined {
  if (!config.STRIPE_SECRET_KEY) return undefined;
  const api = config.STRIPE_API_URL ? new URL(config.STRIPE_API_URL) : undefined;
  return new Stripe(config.STRIPE_SECRET_KEY, {
    ...(api ? { host: api.hostname, port: api.port || (api.protocol === 'https:' ? 443 : 80), protocol: api.protocol === 'https:' ? 'https' : 'http' } : {}),
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
  });
}

/** The client, or 503 where payments are not configured. */
export function requireStripe(stripe: Stripe | undefined): Stripe {
  if (!stripe) throw new ServiceUnavailableError('Payments are not configured on this server.');
  return stripe;
}

// Stripe for the launchers: the configured account when STRIPE_SECRET_KEY is
// set, else the local stand-in (infra/stripe-stand-in), which the apps reach
// through the same SDK at STRIPE_API_URL.
import { startStripeStandIn } from '../../stripe-stand-in/stripe-stand-in.mjs';

/**
 * Returns the STRIPE_* settings the apps need and `stop()` for a stand-in this
 * call started. `port` 0 takes any free port (test runs); `webhookUrl` is where
 * the stand-in sends events of accounts no test has routed elsewhere.
 */
export async function ensureStripe(env, { port, webhookSecret, webhookUrl, log }) {
  if (env.STRIPE_SECRET_KEY) return { env: {}, stop: undefined };
  const standIn = await startStripeStandIn({ port, webhookSecret, webhookUrl, log: (line) => log(`stripe stand-in: ${line}`) });
  log(`started the Stripe stand-in on ${standIn.url}`);
  return {
    env: { STRIPE_SECRET_KEY: 'sk_test_stand_in', STRIPE_API_URL: standIn.url, STRIPE_WEBHOOK_SECRET: webhookSecret },
    stop: () => standIn.close(),
  };
}

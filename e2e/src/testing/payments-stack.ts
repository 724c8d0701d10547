import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@coachline/runtime/logger';
import { consumeQueue } from '@coachline/runtime/queue-consumer';
import { BillingService } from '@coachline/scheduler/billing/billing.service';
import { billingHandlers } from '@coachline/scheduler/handlers/billing.handlers';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { startEventStack } from './event-stack';

/** The Stripe stand-in `pnpm test` started (STRIPE_API_URL), and the secret it signs webhooks with. */
export const stripeApi = process.env.STRIPE_API_URL!;
export const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET!;

/** Stripe's signature scheme, for deliveries a test forges or makes stale on purpose. */
export function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`;
}

export async function standIn<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stripeApi}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, redirect: 'manual' });
  if (res.status >= 400) throw new Error(`stand-in ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface StandInEvent {
  id: string;
  type: string;
  created: number;
  account: string;
  object: string;
}

/**
 * The event stack (gateway, relay, notifications worker, SMTP peer) plus the
 * billing consumer, with the gateway listening on a port of its own so the
 * Stripe stand-in can deliver webhooks to it.
 */
export async function startPaymentsStack() {
  const stack = await startEventStack();
  const server = http.createServer(stack.gw.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logger = createLogger('e2e', 'silent');
  const relay = stack.relay();
  relay.start();
  stack.worker();
  const billing = consumeQueue('billing', billingHandlers({ billing: new BillingService(stack.db, logger), logger }), { connection: stack.connection(), prefix: stack.prefix, logger, concurrency: 4 });
  const { gw } = stack;

  /** A tenant with its Stripe account linked and onboarded, its webhooks routed to this gateway. */
  async function shop() {
    const team = await stack.team();
    const linked = await gw.http().post('/v1/payments/account').set(gw.auth(team.admin)).send({});
    if (linked.status !== 201) throw new Error(`link: ${linked.status} ${JSON.stringify(linked.body)}`);
    await fetch(linked.body.onboardingUrl as string, { redirect: 'manual' });
    await standIn('POST', '/_stand-in/webhook-routes', { account: linked.body.accountId, url: `${gatewayUrl}/v1/webhooks/stripe` });
    return { ...team, accountId: linked.body.accountId as string };
  }

  async function product(owner: TestUser, body: Record<string, unknown>): Promise<string> {
    const res = await gw.http().post('/v1/products').set(gw.auth(owner)).send({ currency: 'usd', priceCents: 4900, ...body });
    if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  async function program(coach: TestUser, name = 'Push Pull Legs'): Promise<string> {
    const res = await gw.http().post('/v1/programs').set(gw.auth(coach)).send({ name, days: [{ name: 'Rest', exercises: [] }] });
    if (res.status !== 201) throw new Error(`program: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  /** Checkout as `buyer`; then the customer's GET of the checkout URL pays (and, unless `deliver` is false, sends the webhooks). */
  async function buy(buyer: TestUser, productId: string, options: { deliver?: boolean } = {}) {
    const res = await gw.http().post(`/v1/products/${productId}/checkout`).set(gw.auth(buyer)).send({ successUrl: 'https://app.example.com/ok', cancelUrl: 'https://app.example.com/cancel' });
    if (res.status !== 201) throw new Error(`checkout: ${res.status} ${JSON.stringify(res.body)}`);
    const url = new URL(res.body.checkoutUrl as string);
    if (options.deliver === false) url.searchParams.set('deliver', 'false');
    const paid = await fetch(url, { redirect: 'manual' });
    if (paid.status !== 303) throw new Error(`pay: ${paid.status}`);
    return { purchaseId: res.body.purchaseId as string, checkoutUrl: res.body.checkoutUrl as string };
  }

  async function entitlements(viewer: TestUser, userId?: string) {
    const res = await gw.http().get('/v1/entitlements').query(userId ? { userId } : {}).set(gw.auth(viewer));
    if (res.status !== 200) throw new Error(`entitlements: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { userId: string; programIds: string[]; sessionCredits: number; subscription: null | { productId: string; status: string; currentPeriodEnd: string | null } };
  }

  async function purchase(viewer: TestUser, purchaseId: string) {
    const res = await gw.http().get('/v1/purchases').query({ limit: 100 }).set(gw.auth(viewer));
    return (res.body.items as { id: string; status: string; amountCents: number; currency: string }[]).find((p) => p.id === purchaseId);
  }

  const events = async (accountId: string) => (await standIn<{ items: StandInEvent[] }>('GET', `/_stand-in/events?account=${accountId}`)).items;
  const deliver = (eventId: string) => standIn<{ status: number }>('POST', `/_stand-in/events/${eventId}/deliver`);

  return {
    ...stack,
    gatewayUrl,
    shop,
    product,
    program,
    buy,
    entitlements,
    purchase,
    events,
    deliver,
    async close() {
      await billing.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stack.close();
    },
  };
}

export type PaymentsStack = Awaited<ReturnType<typeof startPaymentsStack>>;

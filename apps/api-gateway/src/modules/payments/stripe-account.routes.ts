import { linkStripeAccountBody, stripeAccountSchema } from '@coachline/domain/api/payments';
import { route, type AnyRoute } from '../../http/route';
import type { StripeAccountService } from './stripe-account.service';

export function stripeAccountRoutes(accounts: StripeAccountService): AnyRoute[] {
  const tags = ['Payments'];
  return [
    route({
      method: 'post',
      path: '/v1/payments/account',
      summary: "Link the organization's Stripe Connect account (ADMIN): creates it once, returns a fresh onboarding link",
      tags,
      access: 'tenant:admin',
      body: linkStripeAccountBody,
      responses: { 201: { description: 'Created; finish onboarding at onboardingUrl', schema: stripeAccountSchema }, 200: { description: 'Already linked; a new onboarding link', schema: stripeAccountSchema } },
      handler: async ({ actor, body }) => {
        const { created, account } = await accounts.link(actor, body);
        return { status: created ? 201 : 200, body: account, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
    route({
      method: 'get',
      path: '/v1/payments/account',
      summary: "The organization's Stripe account: whether it can take payments yet (ADMIN)",
      tags,
      access: 'tenant:admin',
      responses: { 200: { description: 'Account', schema: stripeAccountSchema } },
      handler: async ({ actor }) => ({ status: 200, body: await accounts.status(actor) }),
    }),
  ];
}

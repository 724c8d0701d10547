import Stripe from 'stripe';
import { ConflictError, ServiceUnavailableError } from '@coachline/domain/errors';
import type { Logger } from '@coachline/runtime/logger';

/**
 * Runs a call to Stripe and turns its failures into the domain's errors:
 * Stripe refusing the request (an account not yet able to take payments, say)
 * is a conflict; Stripe unreachable or failing is 503. Stripe's own message is
 * logged, never sent.
 */
export async function callStripe<T>(logger: Logger, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    logger.warn('stripe call failed', { what, type: error.type, code: error.code, status: error.statusCode, message: error.message });
    if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
      throw new ConflictError(`Stripe refused to ${what}.`);
    }
    throw new ServiceUnavailableError(`Stripe could not ${what} just now; retry.`);
  }
}

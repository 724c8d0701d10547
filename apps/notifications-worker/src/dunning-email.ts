import type { TenantTx } from '@coachline/db/database';
import type { EmailContent } from './email-templates';
import { findProductName, findSubscriptionRow } from './billing.repository';
import type { NotificationProcessor } from './notification.processor';
import { membersAmong } from './notification.repository';

/**
 * The email to a buyer whose renewal failed, with the link Stripe gives to pay
 * the open invoice by another card; nothing once the subscription is no longer
 * past due. The link is read from the subscription, never carried by jobs.
 */
export async function dunningEmail(tx: TenantTx, processor: NotificationProcessor, subscriptionId: string, key: string, subject: string): Promise<EmailContent | undefined> {
  const subscription = await findSubscriptionRow(tx, subscriptionId);
  if (!subscription || subscription.status !== 'past_due') return undefined;
  const [buyer] = await membersAmong(tx, [subscription.userId]);
  if (!buyer) return undefined;
  const product = (await findProductName(tx, subscription.productId)) ?? 'your subscription';
  return {
    to: buyer.email,
    subject,
    greeting: `Hi ${buyer.name},`,
    blocks: [`The latest payment for ${product} failed. Update your card to keep your subscription; we will try again in the meantime, and it ends if the payment keeps failing.`],
    action: { label: 'Update your payment method', url: subscription.paymentUpdateUrl ?? processor.link('/purchases') },
    messageId: processor.messageId(key, subscription.userId),
  };
}

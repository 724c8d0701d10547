import { formatMoney } from '@coachline/domain/money';
import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import { findProductName } from '../billing.repository';
import type { NotificationProcessor } from '../notification.processor';
import { membersAmong } from '../notification.repository';

/** notifications queue, event `purchase.refunded`: tells the buyer the money is on its way back. */
export function purchaseRefundedHandler(processor: NotificationProcessor): EventHandler<'purchase.refunded'> {
  return (event) => {
    const p = event.payload;
    return processor.emailOnce(scopeOf(event), event.id, async (tx) => {
      const [buyer] = await membersAmong(tx, [p.userId]);
      if (!buyer) return undefined;
      const product = (await findProductName(tx, p.productId)) ?? 'your purchase';
      return {
        to: buyer.email,
        subject: `Refund: ${product}`,
        greeting: `Hi ${buyer.name},`,
        blocks: [`${formatMoney(p.amountCents, p.currency)} for ${product} has been refunded to your card; what it included has ended.`],
        messageId: processor.messageId(event.id, p.userId),
      };
    });
  };
}

import { formatMoney } from '@coachline/domain/money';
import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import { findProductName } from '../billing.repository';
import type { NotificationProcessor } from '../notification.processor';
import { membersAmong } from '../notification.repository';

/** notifications queue, event `purchase.paid`: the buyer's receipt, once per payment (a subscription's every renewal). */
export function purchasePaidHandler(processor: NotificationProcessor): EventHandler<'purchase.paid'> {
  return (event) => {
    const p = event.payload;
    return processor.emailOnce(scopeOf(event), event.id, async (tx) => {
      const [buyer] = await membersAmong(tx, [p.userId]);
      if (!buyer) return undefined;
      const product = (await findProductName(tx, p.productId)) ?? 'your purchase';
      return {
        to: buyer.email,
        subject: `Receipt: ${product}`,
        greeting: `Hi ${buyer.name},`,
        blocks: [`Thank you for your payment of ${formatMoney(p.amountCents, p.currency)} for ${product}.`, { list: [`Purchase: ${p.purchaseId}`, `Payment reference: ${p.reference}`] }],
        action: { label: 'See your purchases', url: processor.link('/purchases') },
        messageId: processor.messageId(event.id, p.userId),
      };
    });
  };
}

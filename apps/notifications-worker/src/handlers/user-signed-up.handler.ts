import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { NotificationProcessor } from '../notification.processor';
import { tenantName } from '../notification.repository';

/** notifications queue, event `user.signed_up`: a welcome email, once. */
export function userSignedUpHandler(processor: NotificationProcessor): EventHandler<'user.signed_up'> {
  return (event) => {
    const p = event.payload;
    return processor.emailOnce(scopeOf(event), event.id, async (tx) => ({
      to: p.email,
      subject: 'Welcome to Coachline',
      greeting: `Hi ${p.name},`,
      blocks: [`Your account with ${(await tenantName(tx)) ?? 'your organization'} is ready. Log in any time to see your training, sessions and messages.`],
      action: { label: 'Open Coachline', url: processor.link('/') },
      messageId: processor.messageId(event.id, p.userId),
    }));
  };
}

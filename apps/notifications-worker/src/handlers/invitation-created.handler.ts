import { scopeOf } from '@coachline/domain/events';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { NotificationProcessor } from '../notification.processor';
import { membersAmong, tenantName } from '../notification.repository';

/** notifications queue, event `invitation.created`: the invitee's email with the accept link, once. */
export function invitationCreatedHandler(processor: NotificationProcessor): EventHandler<'invitation.created'> {
  return (event) => {
    const p = event.payload;
    return processor.emailOnce(scopeOf(event), event.id, async (tx) => {
      const [inviter] = await membersAmong(tx, [p.invitedBy]);
      const organization = (await tenantName(tx)) ?? 'your organization';
      const url = new URL(processor.link('/invitations/accept'));
      url.searchParams.set('token', p.token);
      return {
        to: p.email,
        subject: `You are invited to ${organization} on Coachline`,
        greeting: 'Hello,',
        blocks: [`${inviter?.name ?? 'Someone'} invited you to join ${organization} on Coachline as ${p.role.toLowerCase()}.`, `The invitation is valid until ${p.expiresAt}.`],
        action: { label: 'Accept the invitation', url: url.toString() },
        messageId: processor.messageId(event.id, p.invitationId),
      };
    });
  };
}

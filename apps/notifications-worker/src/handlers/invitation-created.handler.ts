import { and, eq } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { invitations } from '@coachline/db/schema/index';
import { scopeOf } from '@coachline/domain/events';
import { invitationTokenContext } from '@coachline/domain/sealed-contexts';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { SecretBox } from '@coachline/runtime/secret-box';
import type { NotificationProcessor } from '../notification.processor';
import { membersAmong, tenantName } from '../notification.repository';

async function findInvitation(tx: TenantTx, id: string) {
  const [row] = await tx
    .select({ email: invitations.email, role: invitations.role, tokenSealed: invitations.tokenSealed, expiresAt: invitations.expiresAt, acceptedAt: invitations.acceptedAt })
    .from(invitations)
    .where(and(eq(invitations.tenantId, tx.scope.tenantId), eq(invitations.id, id)));
  return row;
}

/**
 * notifications queue, event `invitation.created`: the invitee's email with the
 * accept link, once. The event names the invitation only; its token is opened
 * here from the row, so no outbox row or job ever holds the credential.
 */
export function invitationCreatedHandler(processor: NotificationProcessor, secrets: SecretBox): EventHandler<'invitation.created'> {
  return (event) => {
    const p = event.payload;
    return processor.emailOnce(scopeOf(event), event.id, async (tx) => {
      const invitation = await findInvitation(tx, p.invitationId);
      if (!invitation?.tokenSealed) return undefined;
      const token = secrets.open(invitation.tokenSealed, invitationTokenContext(p.invitationId));
      const [inviter] = await membersAmong(tx, [p.invitedBy]);
      const organization = (await tenantName(tx)) ?? 'your organization';
      const url = new URL(processor.link('/invitations/accept'));
      url.searchParams.set('token', token);
      return {
        to: invitation.email,
        subject: `You are invited to ${organization} on Coachline`,
        greeting: 'Hello,',
        blocks: [`${inviter?.name ?? 'Someone'} invited you to join ${organization} on Coachline as ${invitation.role.toLowerCase()}.`, `The invitation is valid until ${invitation.expiresAt.toISOString()}.`],
        action: { label: 'Accept the invitation', url: url.toString() },
        messageId: processor.messageId(event.id, p.invitationId),
      };
    });
  };
}

import { and, eq } from 'drizzle-orm';
import type { TenantTx } from '@coachline/db/database';
import { passwordResets, users } from '@coachline/db/schema/index';
import { scopeOf } from '@coachline/domain/events';
import { passwordResetTokenContext } from '@coachline/domain/sealed-contexts';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { SecretBox } from '@coachline/runtime/secret-box';
import type { NotificationProcessor } from '../notification.processor';

/** The reset and its account's address; the account is readable as a (former) member of the reset's tenant. */
async function findReset(tx: TenantTx, resetId: string) {
  const [row] = await tx
    .select({ tokenSealed: passwordResets.tokenSealed, expiresAt: passwordResets.expiresAt, usedAt: passwordResets.usedAt, email: users.email, name: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tenantId, tx.scope.tenantId), eq(passwordResets.id, resetId)));
  return row;
}

/**
 * notifications queue, event `password_reset.requested`: the account's email
 * with the single-use reset link, once. The event names the reset only; its
 * token is opened here from the row, so no outbox row or job holds it. A reset
 * already used or expired by the time this runs is not mailed.
 */
export function passwordResetRequestedHandler(processor: NotificationProcessor, secrets: SecretBox): EventHandler<'password_reset.requested'> {
  return (event) => {
    const p = event.payload;
    return processor.emailOnce(scopeOf(event), event.id, async (tx) => {
      const reset = await findReset(tx, p.resetId);
      if (!reset?.tokenSealed || reset.usedAt || reset.expiresAt <= new Date()) return undefined;
      const url = new URL(processor.link('/password-reset'));
      url.searchParams.set('token', secrets.open(reset.tokenSealed, passwordResetTokenContext(p.resetId)));
      return {
        to: reset.email,
        subject: 'Reset your Coachline password',
        greeting: `Hi ${reset.name},`,
        blocks: [
          `Someone asked to reset the password of your Coachline account. The link below sets a new one; it works once, until ${reset.expiresAt.toISOString()}.`,
          'If it was not you, ignore this email: your password stays as it is.',
        ],
        action: { label: 'Choose a new password', url: url.toString() },
        messageId: processor.messageId(event.id, p.userId),
      };
    });
  };
}

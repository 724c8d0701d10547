import type { EventType } from '@coachline/domain/events';
import type { EventHandler, QueueHandlers } from '@coachline/runtime/queue-consumer';
import { createNotificationProcessor, type ProcessorDeps } from '../notification.processor';
import type { EventPlanner } from '../notification-plan';
import { commentCreated } from './comment-created.handler';
import { integrationFailed } from './integration-failed.handler';
import { invitationCreatedHandler } from './invitation-created.handler';
import { mediaReady } from './media-ready.handler';
import { messageCreated } from './message-created.handler';
import { passwordResetRequestedHandler } from './password-reset-requested.handler';
import { postCreated } from './post-created.handler';
import { purchasePaidHandler } from './purchase-paid.handler';
import { purchaseRefundedHandler } from './purchase-refunded.handler';
import { subscriptionDunningReminderHandler } from './subscription-dunning-reminder.handler';
import { subscriptionUpdatedHandler } from './subscription-updated.handler';
import { sessionCancelled } from './session-cancelled.handler';
import { sessionReminderHandler } from './session-reminder.handler';
import { sessionScheduled } from './session-scheduled.handler';
import { userSignedUpHandler } from './user-signed-up.handler';
import { webhookEndpointDisabled } from './webhook-endpoint-disabled.handler';
import { triageItemDetected } from './triage-item-detected.handler';
import { triageSummaryHandler } from './triage-summary.handler';
import { weeklyProgressHandler } from './weekly-progress.handler';
import { workoutStartedHandler } from './workout-started.handler';

/**
 * The `notifications` queue, one handler file per job and event. Events that
 * notify people in-app are planned by their handler file and go through the
 * processor, which batches them per tenant; emails of one kind (sign-up,
 * invitation, password reset, weekly progress, triage summary, receipts, dunning) are sent by theirs.
 */
export function notificationsHandlers(deps: ProcessorDeps): QueueHandlers<'notifications'> {
  const processor = createNotificationProcessor(deps);
  const planned = <T extends EventType>(planner: EventPlanner<T>): EventHandler<T> => (event) => processor.notify(event, planner);
  return {
    jobs: {
      'session.reminder': sessionReminderHandler(processor),
      'weekly-progress': weeklyProgressHandler(deps),
      'subscription.dunning-reminder': subscriptionDunningReminderHandler(processor),
      'triage-summary': triageSummaryHandler({ db: deps.db, processor, logger: deps.logger }),
    },
    events: {
      'post.created': planned(postCreated),
      'comment.created': planned(commentCreated),
      'message.created': planned(messageCreated),
      'session.scheduled': planned(sessionScheduled),
      'session.cancelled': planned(sessionCancelled),
      'media.ready': planned(mediaReady),
      'integration.failed': planned(integrationFailed),
      'webhook_endpoint.disabled': planned(webhookEndpointDisabled),
      'triage.item_detected': planned(triageItemDetected),
      'user.signed_up': userSignedUpHandler(processor),
      'invitation.created': invitationCreatedHandler(processor, deps.secrets),
      'purchase.paid': purchasePaidHandler(processor),
      'purchase.refunded': purchaseRefundedHandler(processor),
      'subscription.updated': subscriptionUpdatedHandler(processor),
      'password_reset.requested': passwordResetRequestedHandler(processor, deps.secrets),
      'workout.started': workoutStartedHandler(deps.live),
    },
  };
}

import type { Logger } from '@coachline/runtime/logger';
import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { ReminderService } from '../reminders/reminder.service';
import { sessionCancelledHandler } from './session-cancelled.handler';
import { sessionScheduledHandler } from './session-scheduled.handler';

/** The `reminders` queue: the outbox relay's session events, one handler file each. */
export function remindersHandlers(deps: { reminders: ReminderService; logger: Logger }): QueueHandlers<'reminders'> {
  return {
    jobs: {},
    events: {
      'session.scheduled': sessionScheduledHandler(deps),
      'session.cancelled': sessionCancelledHandler(deps),
    },
  };
}

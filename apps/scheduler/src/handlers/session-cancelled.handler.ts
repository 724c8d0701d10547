import { scopeOf } from '@coachline/domain/events';
import type { Logger } from '@coachline/runtime/logger';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { ReminderService } from '../reminders/reminder.service';

/** reminders queue, event `session.cancelled`: removes the session's pending reminders by their ids. */
export function sessionCancelledHandler(deps: { reminders: ReminderService; logger: Logger }): EventHandler<'session.cancelled'> {
  return async (event) => {
    const removed = await deps.reminders.cancel(event.payload.sessionId);
    await deps.reminders.recordHandled(scopeOf(event), event.id);
    deps.logger.debug('session reminders removed', { sessionId: event.payload.sessionId, removed });
    return { removed };
  };
}

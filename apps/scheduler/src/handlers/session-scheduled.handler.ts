import { scopeOf } from '@coachline/domain/events';
import type { Logger } from '@coachline/runtime/logger';
import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { ReminderService } from '../reminders/reminder.service';

/**
 * reminders queue, event `session.scheduled`: adds the session's delayed
 * `session.reminder` jobs to the notifications queue. Deterministic job ids
 * make a redelivered event add nothing.
 */
export function sessionScheduledHandler(deps: { reminders: ReminderService; logger: Logger }): EventHandler<'session.scheduled'> {
  return async (event) => {
    const scope = scopeOf(event);
    const added = await deps.reminders.scheduleIfActive(scope, event.payload.sessionId);
    await deps.reminders.recordHandled(scope, event.id);
    deps.logger.debug('session reminders scheduled', { sessionId: event.payload.sessionId, added });
    return { added };
  };
}

import type { Job } from 'bullmq';
import type { Database } from '@coachline/db/database';
import { processOnce } from '@coachline/db/processed-events';
import { parseEventPayload } from '@coachline/domain/events';
import { parseJob } from '@coachline/domain/queues';
import { runWithContext } from '@coachline/runtime/context';
import type { Logger } from '@coachline/runtime/logger';
import { withTraceparent } from '@coachline/runtime/tracing';
import type { ReminderService } from './reminder.service';

/**
 * Consumes the `reminders` queue, where the outbox relay puts
 * session.scheduled and session.cancelled events. Both effects are
 * idempotent (deterministic job ids), so a redelivered event is harmless.
 */
export function createReminderProcessor(reminders: ReminderService, db: Database, logger: Logger) {
  // The relay's reconciler re-publishes events this queue's consumer has not recorded.
  const recordProcessed = (tenantId: string, eventId: string) => db.withTenant({ tenantId }, (tx) => processOnce(tx, tenantId, eventId, 'reminders', async () => undefined));
  return async (job: Job) => {
    if (job.name !== 'event') throw new Error(`The reminders queue has no job "${job.name}"`);
    const envelope = parseJob('reminders', 'event', job.data);
    const trace = { requestId: envelope.requestId, traceparent: envelope.traceparent };
    return runWithContext({ requestId: envelope.requestId, tenantId: envelope.tenantId, jobId: job.id }, () =>
      withTraceparent(envelope.traceparent, async () => {
        switch (envelope.type) {
          case 'session.scheduled': {
            const { sessionId } = parseEventPayload('session.scheduled', envelope.payload);
            const added = await reminders.scheduleIfActive(envelope.tenantId, sessionId, trace);
            await recordProcessed(envelope.tenantId, envelope.id);
            logger.debug('session reminders scheduled', { sessionId, added });
            return { added };
          }
          case 'session.cancelled': {
            const { sessionId } = parseEventPayload('session.cancelled', envelope.payload);
            const removed = await reminders.cancel(sessionId);
            await recordProcessed(envelope.tenantId, envelope.id);
            logger.debug('session reminders removed', { sessionId, removed });
            return { removed };
          }
          default:
            await recordProcessed(envelope.tenantId, envelope.id);
            return { ignored: envelope.type };
        }
      }),
    );
  };
}

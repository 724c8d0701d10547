import { UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { EVENTS } from '@coachline/domain/events';
import { currentContext } from './context';
import { assertHandlers, createDispatcher, HandlerRegistryError, type QueueHandlers } from './queue-consumer';

const noop = async () => undefined;
const notificationEvents = {
  'user.signed_up': noop,
  'invitation.created': noop,
  'post.created': noop,
  'comment.created': noop,
  'message.created': noop,
  'session.scheduled': noop,
  'session.cancelled': noop,
  'media.ready': noop,
  'purchase.paid': noop,
  'purchase.refunded': noop,
  'subscription.updated': noop,
  'password_reset.requested': noop,
  'integration.failed': noop,
  'webhook_endpoint.disabled': noop,
  'workout.started': noop,
  'triage.item_detected': noop,
};
const notificationJobs = { 'session.reminder': noop, 'weekly-progress': noop, 'subscription.dunning-reminder': noop, 'triage-summary': noop };

test('a consumer refuses to start when a job of its queue has no handler', () => {
  expect(() => assertHandlers('notifications', { jobs: {}, events: notificationEvents })).toThrow(HandlerRegistryError);
  expect(() => assertHandlers('notifications', { jobs: {}, events: notificationEvents })).toThrow(/no handler for session\.reminder/);
});

test('a consumer refuses handlers for jobs the registry does not know', () => {
  expect(() => assertHandlers('reminders', { jobs: { 'send-fax': noop }, events: { 'session.scheduled': noop, 'session.cancelled': noop } })).toThrow(/unknown jobs send-fax/);
});

test('a consumer refuses to start when an event routed to its queue has no handler, or a handler for one routed elsewhere', () => {
  const withoutMediaReady = Object.fromEntries(Object.entries(notificationEvents).filter(([type]) => type !== 'media.ready'));
  expect(() => assertHandlers('notifications', { jobs: notificationJobs, events: withoutMediaReady })).toThrow(/no handler for event media\.ready/);
  expect(() => assertHandlers('reminders', { jobs: {}, events: { 'session.scheduled': noop, 'session.cancelled': noop, 'post.created': noop } })).toThrow(/unknown events post\.created/);
});

test('a complete handler table passes', () => {
  expect(() => assertHandlers('notifications', { jobs: notificationJobs, events: notificationEvents })).not.toThrow();
});

/** The registry as it would be once `session.scheduled` is routed to the maintenance queue too. */
type Rerouted = Omit<typeof EVENTS, 'session.scheduled'> & {
  'session.scheduled': { payload: (typeof EVENTS)['session.scheduled']['payload']; queues: readonly ['notifications', 'reminders', 'maintenance'] };
};

test('routing an event to a queue fails to compile until that queue has a handler for it', () => {
  const maintenance: QueueHandlers<'maintenance'> = {
    jobs: { 'purge-expired': noop, 'archive-audit-events': noop, 'abort-abandoned-uploads': noop, 'weekly-progress-email': noop, 'dunning-reminders': noop, 'triage-sweep': noop, 'triage-summary-email': noop },
    events: {},
  };
  // @ts-expect-error the maintenance table has no handler for session.scheduled once it is routed there
  const stale: QueueHandlers<'maintenance', Rerouted> = maintenance;
  const handled: QueueHandlers<'maintenance', Rerouted> = { ...maintenance, events: { 'session.scheduled': async (event) => event.payload.sessionId } };
  // @ts-expect-error a Partial table is not a handler table
  const partial: QueueHandlers<'notifications'> = { jobs: notificationJobs, events: { 'post.created': noop } };
  expect([stale, handled, partial]).toHaveLength(3);
});

describe('dispatch', () => {
  const tenantId = randomUUID();
  const seen: unknown[] = [];
  const dispatch = createDispatcher('reminders', {
    jobs: {},
    events: {
      'session.scheduled': async (event) => {
        seen.push({ payload: event.payload, context: currentContext() });
        return event.payload.sessionId;
      },
      'session.cancelled': noop,
    },
  });
  const scheduled = (payload: Record<string, unknown>) => ({ id: randomUUID(), tenantId, type: 'session.scheduled', payload, occurredAt: new Date().toISOString(), requestId: 'req-1' });
  const payload = { sessionId: randomUUID(), coachId: randomUUID(), athleteId: randomUUID(), start: 's', end: 'e', actorId: randomUUID() };

  test('an event reaches its handler with its payload parsed, inside the context it carries', async () => {
    await expect(dispatch('event', scheduled({ ...payload, extra: true }), 'job-1')).resolves.toBe(payload.sessionId);
    expect(seen).toEqual([{ payload, context: { jobId: 'job-1', tenantId, requestId: 'req-1' } }]);
  });

  test('an envelope, or a payload, that does not parse is unrecoverable', async () => {
    await expect(dispatch('event', { id: 'nope' })).rejects.toThrow(UnrecoverableError);
    await expect(dispatch('event', { id: 'nope' })).rejects.toThrow(/Malformed event job, its payload is invalid/);
    await expect(dispatch('event', scheduled({ sessionId: 'nope' }))).rejects.toThrow(/Malformed event job, its payload is invalid: session\.scheduled/);
  });

  test('an event or job the queue does not handle is unrecoverable, not dropped', async () => {
    const post = { ...scheduled({}), type: 'post.created' };
    await expect(dispatch('event', post)).rejects.toThrow(/has no handler for event "post\.created"/);
    await expect(dispatch('send-fax', {})).rejects.toThrow(UnrecoverableError);
  });
});

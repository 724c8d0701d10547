import { assertHandlers, HandlerRegistryError } from './queue-consumer';

const noop = async () => undefined;

test('a consumer refuses to start when a job of its queue has no handler', () => {
  expect(() => assertHandlers('notifications', { event: noop })).toThrow(HandlerRegistryError);
  expect(() => assertHandlers('notifications', { event: noop })).toThrow(/no handler for session\.reminder/);
});

test('a consumer refuses handlers for jobs the registry does not know', () => {
  expect(() => assertHandlers('reminders', { event: noop, 'send-fax': noop })).toThrow(/unknown jobs send-fax/);
});

test('a complete handler table passes', () => {
  expect(() => assertHandlers('notifications', { event: noop, 'session.reminder': noop })).not.toThrow();
});

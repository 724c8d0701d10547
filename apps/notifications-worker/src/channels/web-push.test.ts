import { createECDH, randomBytes } from 'node:crypto';
import webpush from 'web-push';
import { createLogger } from '@coachline/runtime/logger';
import type { OutboundHttp } from '@coachline/runtime/outbound-http';
import { createPushSender, type PushSubscription } from './web-push';

const subscription = (endpoint: string): PushSubscription => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
};

test('breakers are per origin, and only the most recently used ones are kept', async () => {
  const calls: string[] = [];
  // Stands in for the guard: dead.example answers 500, the others 201.
  const outbound: OutboundHttp = {
    check: (url) => new URL(url),
    request: (url) => {
      calls.push(new URL(url).host);
      return Promise.resolve({ status: new URL(url).host === 'dead.example' ? 500 : 201, headers: {}, body: Buffer.alloc(0) });
    },
  };
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:test@coachline.local' };
  const push = createPushSender({ vapid, outbound, timeoutMs: 1_000, logger: createLogger('test', 'silent'), maxBreakers: 2 });
  const dead = subscription('https://dead.example/x');
  // Three tries in-process, then two more open the breaker (five calls, all failing).
  expect(await push.send(dead, {})).toBe('failed');
  expect(await push.send(dead, {})).toBe('deferred');
  expect(calls).toHaveLength(5);
  // Open now: the dead origin is not called, and another origin is unaffected.
  const before = calls.length;
  expect(await push.send(dead, {})).toBe('deferred');
  expect(calls.length).toBe(before);
  expect(await push.send(subscription('https://a.example/x'), {})).toBe('sent');
  // A third origin pushes out the least recently used breaker (the dead one), whose timers stop with it.
  expect(await push.send(subscription('https://b.example/x'), {})).toBe('sent');
  expect(await push.send(dead, {})).toBe('failed');
  expect(calls.length).toBeGreaterThan(before + 2);
});

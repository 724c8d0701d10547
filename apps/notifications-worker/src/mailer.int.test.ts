import { createLogger } from '@coachline/runtime/logger';
import { createMailer, type Mailer } from '@coachline/runtime/mailer';
import { eventually } from '@coachline/testing/eventually';
import { startSmtpPeer } from './testing/delivery-peers';

const logger = createLogger('mailer-test', 'silent');
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let mailer: Mailer | undefined;

beforeEach(async () => {
  smtp = await startSmtpPeer();
});

afterEach(async () => {
  mailer?.close();
  await smtp.close();
});

const email = (n: number) => ({ to: `reader${n}@example.com`, subject: `Note ${n}`, text: `note ${n}`, html: `<p>note ${n}</p>`, messageId: `<note.${n}@coachline>` });

test('a burst of emails goes over the pooled connections, not a connection each', async () => {
  mailer = createMailer({ smtpUrl: smtp.url, mailDir: '', from: 'Coachline <no-reply@coachline.test>', timeoutMs: 5_000, logger, maxConnections: 3 });
  await Promise.all(Array.from({ length: 30 }, (_, n) => mailer!.send(email(n))));
  expect(smtp.received.map((m) => m.messageId).sort()).toEqual(Array.from({ length: 30 }, (_, n) => `<note.${n}@coachline>`).sort());
  expect(smtp.connections()).toBeGreaterThanOrEqual(1);
  expect(smtp.connections()).toBeLessThanOrEqual(3);
});

test('sends beyond the connections wait for one, and the wait is not counted against their timeout', async () => {
  mailer = createMailer({ smtpUrl: smtp.url, mailDir: '', from: 'Coachline <no-reply@coachline.test>', timeoutMs: 2_000, logger, maxConnections: 2 });
  smtp.hold();
  const sent = Promise.all(Array.from({ length: 4 }, (_, n) => mailer!.send(email(n))));
  await eventually(() => smtp.holding() === 2, 'two sends in flight');
  // Nothing more reaches the server while both connections are busy.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(smtp.holding()).toBe(2);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  smtp.release();
  // The two that waited hold their connections again, past two seconds since they were called.
  smtp.hold();
  await eventually(() => smtp.holding() === 2, 'the waiting sends in flight');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  smtp.release();
  await sent;
  expect(smtp.received.map((m) => m.messageId).sort()).toEqual(['<note.0@coachline>', '<note.1@coachline>', '<note.2@coachline>', '<note.3@coachline>']);
});

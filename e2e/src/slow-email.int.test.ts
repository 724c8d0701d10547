import { eventually } from '@coachline/testing/eventually';
import { startEventStack, type EventStack } from './testing/event-stack';

/**
 * A notification's emails and pushes are handed off to a queue of their own:
 * an SMTP server that takes its time holds those jobs, never the in-app
 * notifications of the events behind them.
 */
let stack: EventStack;
beforeAll(async () => {
  // Sends wait as long as the server holds them: nothing times out during the test.
  stack = await startEventStack({ mailTimeoutMs: 120_000 });
}, 60_000);

afterAll(async () => {
  stack.smtp.release();
  await stack.close();
}, 60_000);

test('while the SMTP server holds every email, the in-app notifications of 40 posts still arrive; once it answers, each email arrives once', async () => {
  const { coach, athlete } = await stack.team();
  const spaceId = await stack.space(coach, [athlete]);
  const relay = stack.relay();
  relay.start();
  // Its 16 slots are fewer than the posts: were each post's job to wait for its email, the in-app rows would stop there.
  const worker = stack.worker();
  stack.smtp.hold();
  for (let n = 0; n < 40; n++) expect((await stack.gw.http().post(`/v1/spaces/${spaceId}/posts`).set(stack.gw.auth(coach)).send({ body: `held ${n}` })).status).toBe(201);

  await eventually(async () => ((await stack.notificationCounts(coach.tenantId)).length === 40 ? true : undefined), 'the in-app notifications of every post', 30_000);
  expect(stack.smtp.holding()).toBeGreaterThan(0);
  // Email from joining the team may reach the athlete as well; these are the posts'.
  const postEmails = () => stack.smtp.to(athlete.email).filter((m) => /held \d+/.test(m.decoded));
  expect(postEmails()).toHaveLength(0);

  stack.smtp.release();
  await eventually(() => (postEmails().length >= 40 ? true : undefined), 'every email', 30_000);
  const bodies = postEmails().map((m) => /held (\d+)/.exec(m.decoded)![1]);
  expect(bodies).toHaveLength(40);
  expect(new Set(bodies).size).toBe(40);
  await worker.close();
  await relay.close();
}, 120_000);

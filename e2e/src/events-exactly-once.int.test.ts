import { queuesFor, type EventType } from '@coachline/domain/events';
import { claimUnpublished, toEnvelope } from '@coachline/scheduler/relay/outbox.repository';
import { eventJobId } from '@coachline/scheduler/relay/job-id';
import { replayFailed } from '@coachline/scheduler/relay/dead-letter';
import { eventually } from '@coachline/testing/eventually';
import { startEventStack, type EventStack } from './testing/event-stack';

/**
 * Outbox -> relay -> queue -> notifications worker, end to end: nothing lost,
 * nothing doubled, whatever dies when.
 */
let stack: EventStack;
beforeAll(async () => {
  stack = await startEventStack();
});
afterAll(() => stack.close());

async function idle(queue: import('bullmq').Queue) {
  await eventually(async () => {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0 ? true : undefined;
  }, 'the queue to drain', 60_000);
}

test('a relay that dies between publishing and marking published causes exactly one notification per recipient', async () => {
  const { coach, athlete, athlete2 } = await stack.team();
  const spaceId = await stack.space(coach, [athlete, athlete2]);
  for (let i = 0; i < 5; i++) expect((await stack.gw.http().post(`/v1/spaces/${spaceId}/posts`).set(stack.gw.auth(coach)).send({ body: `post ${i}` })).status).toBe(201);

  const relay = stack.relay();
  const queue = relay.queues.notifications;
  let claimed = 0;
  let claimedAll = 0;
  // The dying relay: claims the batch, adds the jobs, and is gone before it commits the mark.
  await expect(
    stack.db.withSystem(async (tx) => {
      const claimedRows = await claimUnpublished(tx, 100, () => [coach.tenantId]);
      // Five posts, and the sign-up and invitation emails of the team; events routed elsewhere only (member.joined) are not this queue's.
      const rows = claimedRows.filter((r) => queuesFor(r.type as EventType).includes('notifications'));
      claimedAll = claimedRows.length;
      expect(rows.filter((r) => r.type === 'post.created')).toHaveLength(5);
      claimed = rows.length;
      await queue.addBulk(rows.map((row) => ({ name: 'event', data: toEnvelope(row), opts: { jobId: eventJobId(row.id, 'notifications') } })));
      throw new Error('relay process killed');
    }),
  ).rejects.toThrow('relay process killed');
  expect(await stack.unpublished(coach.tenantId)).toBe(claimedAll);

  const worker = stack.worker();
  await eventually(async () => ((await stack.notificationCounts(coach.tenantId)).length === 10 ? true : undefined), 'the first notifications', 60_000);
  await idle(queue);
  // Worst case for deduplication by job id: the completed jobs are already gone from Redis.
  await queue.clean(0, 10_000, 'completed');

  await relay.drain();
  expect(await stack.unpublished(coach.tenantId)).toBe(0);
  await idle(queue);
  expect(await queue.getJobCounts('completed')).toEqual({ completed: claimed });

  const counts = await stack.notificationCounts(coach.tenantId);
  expect(counts).toHaveLength(10);
  expect(counts.every((c) => c.n === 1)).toBe(true);
  expect(new Set(counts.map((c) => c.userId))).toEqual(new Set([athlete.id, athlete2.id]));
  const postMails = (email: string) => stack.smtp.to(email).filter((m) => /Subject: New post/.test(m.raw));
  expect(postMails(athlete.email)).toHaveLength(5);
  expect(postMails(athlete2.email)).toHaveLength(5);
  expect(postMails(coach.email)).toHaveLength(0);
  expect(stack.smtp.to(athlete.email).filter((m) => /Subject: Welcome/.test(m.raw))).toHaveLength(1);
  await worker.close();
}, 90_000);

test('a burst of 200 posts gives exactly one notification per recipient per post, with two relays and two workers', async () => {
  const { admin, coach, athlete, athlete2 } = await stack.team();
  const spaceId = await stack.space(coach, [admin, athlete, athlete2]);
  const [r1, r2] = [stack.relay(), stack.relay()];
  r1.start();
  r2.start();
  const workers = [stack.worker(), stack.worker()];
  const posts = Array.from({ length: 200 }, (_, i) => i);
  for (let i = 0; i < posts.length; i += 20) {
    const batch = await Promise.all(posts.slice(i, i + 20).map((n) => stack.gw.http().post(`/v1/spaces/${spaceId}/posts`).set(stack.gw.auth(coach)).send({ body: `burst ${n}` })));
    for (const res of batch) expect(res.status).toBe(201);
  }
  await eventually(async () => {
    const counts = await stack.notificationCounts(coach.tenantId);
    return counts.length === 600 ? counts : undefined;
  }, '600 notifications', 90_000);
  await idle(r1.queues.notifications);
  const counts = await stack.notificationCounts(coach.tenantId);
  expect(counts).toHaveLength(600);
  expect(counts.filter((c) => c.n !== 1)).toEqual([]);
  expect(counts.some((c) => c.userId === coach.id)).toBe(false);
  expect(await stack.unpublished(coach.tenantId)).toBe(0);
  await Promise.all(workers.map((w) => w.close()));
}, 120_000);

test('a poison job ends in the dead-letter set after one attempt and the other jobs flow on', async () => {
  const { coach, athlete } = await stack.team();
  const spaceId = await stack.space(coach, [athlete]);
  const relay = stack.relay();
  const queue = relay.queues.notifications;
  await queue.add('event', { id: 'not-a-uuid', tenantId: coach.tenantId, type: 'post.created', payload: {}, occurredAt: 'now' }, { jobId: 'poison-envelope' });
  await queue.add('event', { id: crypto.randomUUID(), tenantId: coach.tenantId, type: 'post.created', payload: { postId: 'nope' }, occurredAt: new Date().toISOString() }, { jobId: 'poison-payload' });
  const worker = stack.worker();
  relay.start();
  for (let i = 0; i < 3; i++) expect((await stack.gw.http().post(`/v1/spaces/${spaceId}/posts`).set(stack.gw.auth(coach)).send({ body: `fine ${i}` })).status).toBe(201);
  await eventually(async () => ((await stack.notificationCounts(coach.tenantId)).length === 3 ? true : undefined), 'the healthy notifications', 60_000);
  await eventually(async () => ((await queue.getJobCounts('failed')).failed === 2 ? true : undefined), 'the poison jobs in the failed set', 60_000);
  for (const id of ['poison-envelope', 'poison-payload']) {
    const job = await queue.getJob(id);
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(1);
    expect(job!.failedReason).toMatch(/invalid/);
  }
  // Replaying the dead-letter set re-runs them; still poison, they land there again.
  expect(await replayFailed(queue)).toBe(2);
  await eventually(async () => ((await queue.getJobCounts('failed')).failed === 2 ? true : undefined), 'the replayed poison jobs to fail again', 60_000);
  await worker.close();
}, 90_000);

import type { TypedQueue } from '@coachline/runtime/queues';
import { weeklyProgressEmailHandler } from './weekly-progress-email.handler';

test('the weekly clock only enqueues the weekly-progress job for the notifications worker, once per day', async () => {
  const added: unknown[][] = [];
  const notifications = { add: async (...args: unknown[]) => (added.push(args), { id: 'job-1' }) } as unknown as TypedQueue<'notifications'>;
  const tick = weeklyProgressEmailHandler(notifications, () => new Date('2026-11-16T07:00:00.123Z'));
  await expect(tick({})).resolves.toEqual({ enqueued: 'job-1' });
  expect(added).toEqual([['weekly-progress', { at: '2026-11-16T07:00:00.123Z' }, { jobId: 'weekly-progress.2026-11-16' }]]);
});

import { makeVideo } from '@coachline/media-worker/testing/media-fixtures';
import { eventually } from '@coachline/testing/eventually';
import sharp from 'sharp';
import { childrenOf, type AppProcess, type Exit } from '../testing/app-process';
import { inLanes, offending, startProcessStack, type ProcessStack } from '../testing/process-stack';

/**
 * Workers killed with SIGKILL in the middle of their work, as the kernel's
 * OOM killer or a lost node does: no shutdown code runs. Their jobs stay
 * active in Redis with locks nobody renews; once the locks lapse another
 * worker takes the jobs over (BullMQ's stalled-job recovery), and the
 * idempotent handlers give every effect exactly once.
 */
let stack: ProcessStack;
let gateway: AppProcess;
beforeAll(async () => {
  stack = await startProcessStack();
  [gateway] = await Promise.all([stack.start('api-gateway'), stack.start('scheduler')]);
}, 120_000);
afterAll(() => stack?.close(), 60_000);

test('a notifications worker killed mid-batch: its jobs run again elsewhere, one notification, one email and one push per post and recipient', async () => {
  const api = stack.api(gateway);
  const { coach, athletes } = await api.team(2);
  const spaceId = await api.space(coach, athletes);
  for (const athlete of athletes) await stack.addDevice(athlete);
  // While held, the SMTP peer and the push service take each delivery without answering it: the
  // worker dies with deliveries on the wire, after its batches committed their in-app rows.
  stack.smtp.hold();
  stack.push.hold();
  const doomed = await stack.start('notifications-worker');
  const queue = stack.queue('notifications');

  let killed: Promise<Exit> | undefined;
  await inLanes(
    Array.from({ length: 30 }, (_, i) => i),
    3,
    async (i) => {
      expect((await api.post(coach, spaceId, `burst ${i}`)).status).toBe(201);
    },
    (done) => {
      if (killed || done < 10) return;
      killed = (async () => {
        await eventually(async () => stack.smtp.holding() > 0 && stack.push.waiting() > 0 && (await queue.getJobCounts('active')).active! > 0, 'deliveries in flight');
        return doomed.kill('SIGKILL');
      })();
    },
  );
  expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
  const [{ n: inAppBefore }] = await stack.rows<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE tenant_id = $1`, [coach.tenantId]).then((r) => r as [{ n: string }]);
  expect(Number(inAppBefore)).toBeGreaterThan(0);
  // What the dead worker left unanswered never reached anyone: its connections are gone.
  await eventually(() => stack.smtp.holding() === 0 && stack.push.waiting() === 0, "the dead worker's connections to close");
  stack.smtp.release();
  stack.push.release();

  await stack.start('notifications-worker');
  const counts = await stack.delivered(coach.tenantId, athletes);
  expect(counts.inApp.expected).toHaveLength(60);
  expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
  await eventually(async () => {
    const c = await queue.getJobCounts('active', 'waiting', 'delayed', 'failed');
    return c.active === 0 && c.waiting === 0 && c.delayed === 0 ? c : undefined;
  }, 'the notifications queue to drain');
  expect((await queue.getJobCounts('failed')).failed).toBe(0);
}, 120_000);

test('a media worker killed mid-transcode: another worker processes every upload, each ready once with one media.ready and one notification', async () => {
  const api = stack.api(gateway);
  const { coach, athletes } = await api.team(1);
  const athlete = athletes[0]!;
  const [doomed] = await Promise.all([
    stack.start('media-worker', { MEDIA_WORKER_CONCURRENCY: '2' }),
    stack.running('notifications-worker').length > 0 ? undefined : stack.start('notifications-worker'),
  ]);

  const clip = await makeVideo({ seconds: 4, width: 1280, height: 720 });
  const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: 'gray' } }).png().toBuffer();
  const uploads = await Promise.all([
    api.upload(athlete, clip, { kind: 'video', contentType: 'video/mp4', filename: 'squat.mp4' }),
    api.upload(coach, clip, { kind: 'video', contentType: 'video/mp4', filename: 'demo.mp4' }),
    ...[athlete, coach, athlete].map((user, i) => api.upload(user, photo, { kind: 'image', contentType: 'image/png', filename: `progress-${i}.png` })),
  ]);

  await eventually(() => childrenOf(doomed.pid).some((child) => child.command === 'ffmpeg'), 'a transcode to start', 60_000);
  expect(await doomed.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

  await stack.start('media-worker', { MEDIA_WORKER_CONCURRENCY: '2' });
  for (const [i, mediaId] of uploads.entries()) {
    const owner = i === 1 || i === 3 ? coach : athlete;
    const media = await eventually(async () => {
      const res = await api.request('GET', `/v1/media/${mediaId}`, { user: owner });
      return ['ready', 'failed'].includes(res.body.status as string) ? res.body : undefined;
    }, 'the upload to be processed', 90_000);
    expect(media.status).toBe('ready');
  }
  // One media.ready per upload, and one notification of it for its uploader.
  const ready = await stack.rows<{ media_id: string; n: string }>(
    `SELECT payload->>'mediaId' AS media_id, count(*) AS n FROM outbox_events WHERE tenant_id = $1 AND type = 'media.ready' GROUP BY 1`,
    [coach.tenantId],
  );
  expect(Object.fromEntries(ready.map((r) => [r.media_id, Number(r.n)]))).toEqual(Object.fromEntries(uploads.map((id) => [id, 1])));
  const notified = await eventually(async () => {
    const rows = await stack.rows<{ media_id: string; user_id: string; n: string }>(
      `SELECT data->>'mediaId' AS media_id, user_id, count(*) AS n FROM notifications WHERE tenant_id = $1 AND type = 'media.ready' GROUP BY 1, 2`,
      [coach.tenantId],
    );
    return rows.length === uploads.length ? rows : undefined;
  }, 'a notification per upload');
  expect(notified.map((r) => `${r.media_id}:${r.user_id}:${r.n}`).sort()).toEqual(uploads.map((id, i) => `${id}:${i === 1 || i === 3 ? coach.id : athlete.id}:1`).sort());
}, 180_000);

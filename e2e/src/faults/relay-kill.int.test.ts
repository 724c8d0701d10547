import { eventJobId } from '@coachline/scheduler/relay/job-id';
import { eventually } from '@coachline/testing/eventually';
import type { AppProcess, Exit } from '../testing/app-process';
import { inLanes, offending, startProcessStack, type ProcessStack } from '../testing/process-stack';
import { startTcpProxy } from '../testing/tcp-proxy';

/**
 * The outbox relay claims a batch (marking it published in its open
 * transaction), adds the jobs to Redis, then commits. Killed between the two,
 * the rows stay unpublished and the jobs stay in Redis; the next relay
 * publishes them again, the job ids dedupe what is still queued, and the
 * consumers' records dedupe the rest.
 */
let stack: ProcessStack;
let gateway: AppProcess;
beforeAll(async () => {
  stack = await startProcessStack();
  [gateway] = await Promise.all([stack.start('api-gateway'), stack.start('notifications-worker')]);
}, 120_000);
afterAll(() => stack?.close(), 60_000);

test('a relay killed between publishing and marking published: nothing lost, one notification, one email and one push per post and recipient', async () => {
  // The doomed scheduler reaches Redis through a proxy that can swallow Redis' answers: its jobs
  // land in Redis, but the relay never hears so and waits there, its transaction open, until killed.
  const redisUrl = new URL(stack.env.REDIS_URL!);
  const proxy = await startTcpProxy(Number(redisUrl.port));
  redisUrl.port = String(proxy.port);
  try {
    const doomed = await stack.start('scheduler', { REDIS_URL: redisUrl.toString() });
    const api = stack.api(gateway);
    const { coach, athletes } = await api.team(2);
    const spaceId = await api.space(coach, athletes);
    for (const athlete of athletes) await stack.addDevice(athlete);
    const notifications = stack.queue('notifications');

    let caught: { eventId: string; killed: Exit } | undefined;
    let replacement: Promise<AppProcess> | undefined;
    await inLanes(
      Array.from({ length: 30 }, (_, i) => i),
      3,
      async (i) => {
        expect((await api.post(coach, spaceId, `burst ${i}`)).status).toBe(201);
      },
      async (done) => {
        if (replacement || done < 8) return;
        replacement = (async () => {
          proxy.dropAnswers();
          // Published and not marked: in Redis, while the outbox row is still unpublished to everyone else.
          const eventId = await eventually(async () => {
            const pending = await stack.rows<{ id: string }>(`SELECT id FROM outbox_events WHERE tenant_id = $1 AND type = 'post.created' AND published_at IS NULL`, [coach.tenantId]);
            for (const { id } of pending) if (await notifications.getJob(eventJobId(id, 'notifications'))) return id;
            return undefined;
          }, 'a batch published but not marked');
          caught = { eventId, killed: await doomed.kill('SIGKILL') };
          return stack.start('scheduler');
        })();
      },
    );
    await replacement;
    expect(caught?.killed).toEqual({ code: null, signal: 'SIGKILL' });

    const counts = await stack.delivered(coach.tenantId, athletes);
    expect(counts.inApp.expected).toHaveLength(60);
    expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
    // The caught event was published again by the new relay, and everything is marked now.
    await eventually(async () => (await stack.unpublished()) === 0, 'the outbox to be marked published');
    const [caughtRow] = await stack.rows<{ published_at: Date | null }>('SELECT published_at FROM outbox_events WHERE id = $1', [caught!.eventId]);
    expect(caughtRow?.published_at).not.toBeNull();
  } finally {
    await proxy.close();
  }
}, 120_000);

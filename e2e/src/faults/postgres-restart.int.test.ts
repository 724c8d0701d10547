import { randomUUID } from 'node:crypto';
import { eventually } from '@coachline/testing/eventually';
import type { Reply } from '../testing/api-client';
import type { AppProcess } from '../testing/app-process';
import { startPostgresProcess } from '../testing/postgres-process';
import { inLanes, offending, startProcessStack, type ProcessStack } from '../testing/process-stack';

/**
 * Postgres crashes and comes back while a burst of posts is in flight. The
 * stack runs on a cluster of this file's own, so the run's shared server is
 * never touched. Clients retry as they should (same Idempotency-Key, after
 * 503s and dropped connections).
 */
let server: Awaited<ReturnType<typeof startPostgresProcess>>;
let stack: ProcessStack;
let gateway: AppProcess;
let apps: AppProcess[];
beforeAll(async () => {
  server = await startPostgresProcess();
  stack = await startProcessStack({ ownerUrl: server.ownerUrl, env: { DATABASE_CONNECT_TIMEOUT_MS: '2000' } });
  apps = await Promise.all([stack.start('api-gateway'), stack.start('scheduler'), stack.start('notifications-worker')]);
  gateway = apps[0]!;
}, 120_000);
afterAll(async () => {
  try {
    await stack?.close();
  } finally {
    await server?.destroy();
  }
}, 60_000);

test('Postgres restarted under load: no 2xx for a write that was lost, every post once, and the backlog drains', async () => {
  const api = stack.api(gateway);
  const { coach, athletes } = await api.team(2);
  const spaceId = await api.space(coach, athletes);
  for (const athlete of athletes) await stack.addDevice(athlete);

  const keys = Array.from({ length: 40 }, () => randomUUID());
  const answers = new Map<string, Array<Reply | 'no answer'>>();
  let restart: Promise<void> | undefined;
  let down = false;
  await inLanes(
    keys,
    4,
    async (key) => {
      const seen: Array<Reply | 'no answer'> = [];
      answers.set(key, seen);
      // A client's retry loop: the same request and key until it is answered 2xx.
      for (;;) {
        const reply = await api.post(coach, spaceId, `post ${key}`, key).catch(() => 'no answer' as const);
        seen.push(reply);
        if (reply !== 'no answer' && reply.status < 300) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    (done) => {
      if (restart || done < 10) return;
      restart = (async () => {
        await server.stop('immediate');
        down = true;
        // Down until the gateway has turned requests away, then back.
        await eventually(() => [...answers.values()].some((seen) => seen.some((r) => r !== 'no answer' && r.status === 503)), 'a request turned away while Postgres is down');
        await server.start();
        down = false;
      })();
    },
  );
  await restart;
  expect(down).toBe(false);
  // Every app rode the restart out.
  expect(apps.filter((app) => app.child.exitCode !== null || app.child.signalCode !== null).map((app) => app.name)).toEqual([]);

  const replies = [...answers.values()].flat();
  // Every answer is the write's 201 (or its replay) or a 503 that says to retry; no 500, and nothing unanswered.
  expect(replies.filter((r) => r === 'no answer' || (r.status !== 201 && r.status !== 503))).toEqual([]);
  const turnedAway = replies.filter((r) => r !== 'no answer' && r.status === 503);
  expect(turnedAway.length).toBeGreaterThan(0);
  expect(turnedAway.every((r) => r !== 'no answer' && /^\d+$/.test(r.headers.get('retry-after') ?? ''))).toBe(true);

  // Every post answered 201 is stored, once, under the id it was answered with.
  const stored = await stack.rows<{ id: string; body: string }>('SELECT id, body FROM posts WHERE tenant_id = $1', [coach.tenantId]);
  const byBody = new Map(stored.map((p) => [p.body, p.id]));
  expect(stored).toHaveLength(keys.length);
  for (const [key, seen] of answers) {
    const ids = new Set(seen.flatMap((r) => (r !== 'no answer' && r.status === 201 ? [r.body.id as string] : [])));
    expect({ key, ids: [...ids] }).toEqual({ key, ids: [byBody.get(`post ${key}`)] });
  }

  // The backlog drains: every post reaches each recipient once on every channel, and nothing waits or failed.
  const counts = await stack.delivered(coach.tenantId, athletes, 90_000);
  expect(counts.inApp.expected).toHaveLength(80);
  expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
  await eventually(async () => (await stack.unpublished()) === 0, 'the outbox to be published');
  const queue = stack.queue('notifications');
  await eventually(async () => {
    const c = await queue.getJobCounts('active', 'waiting', 'delayed', 'failed');
    return c.active === 0 && c.waiting === 0 && c.delayed === 0 && c.failed === 0;
  }, 'the notifications queue to drain', 60_000);
}, 180_000);

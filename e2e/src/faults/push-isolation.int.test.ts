import { randomUUID } from 'node:crypto';
import { startPushService } from '@coachline/notifications-worker/testing/delivery-peers';
import { eventually } from '@coachline/testing/eventually';
import type { ApiClient, ApiUser } from '../testing/api-client';
import type { AppProcess } from '../testing/app-process';
import { inLanes, offending, startProcessStack, type ProcessStack } from '../testing/process-stack';

/**
 * One tenant's push endpoints on a push service that hangs or fails, another
 * tenant's on a healthy one, one notifications worker process for both (it
 * allows loopback endpoints only because OUTBOUND_ALLOW_LOOPBACK says so).
 * The healthy tenant's pushes must not wait behind the dead destination:
 * breakers are per destination origin, and no send holds anything shared.
 */
let stack: ProcessStack;
let gateway: AppProcess;
let api: ApiClient;
beforeAll(async () => {
  // A hanging request is given up only after DELIVERY_TIMEOUT_MS, three times: long after this test has its answer.
  stack = await startProcessStack({ env: { DELIVERY_TIMEOUT_MS: '60000' } });
  [gateway] = await Promise.all([stack.start('api-gateway'), stack.start('scheduler'), stack.start('notifications-worker')]);
  api = stack.api(gateway);
}, 120_000);
afterAll(() => stack?.close(), 60_000);

async function tenantWithDevices(endpoint: (user: ApiUser) => { endpoint: string; keys: { p256dh: string; auth: string } }) {
  const { coach, athletes } = await api.team(2);
  const spaceId = await api.space(coach, athletes);
  for (const athlete of athletes) {
    const subscription = endpoint(athlete);
    await stack.system.query(`INSERT INTO device_tokens (tenant_id, id, user_id, platform, address, subscription) VALUES ($1, $2, $3, 'web', $4, $5)`, [coach.tenantId, randomUUID(), athlete.id, subscription.endpoint, subscription]);
  }
  return { coach, athletes, spaceId };
}

async function interleavedPosts(tenants: Array<{ coach: ApiUser; spaceId: string }>, perTenant: number) {
  const posts = Array.from({ length: perTenant }, (_, i) => tenants.map((t) => ({ ...t, i }))).flat();
  await inLanes(posts, 4, async ({ coach, spaceId, i }) => {
    expect((await api.post(coach, spaceId, `post ${i}`)).status).toBe(201);
  });
}

test("a tenant whose push service hangs does not hold back another tenant's pushes", async () => {
  const dead = await startPushService({ answer: 'hang' });
  try {
    const stuck = await tenantWithDevices((user) => dead.subscription(`/push/${user.id}`));
    const healthy = await tenantWithDevices((user) => stack.push.subscription(`/push/${user.id}`));
    await interleavedPosts([stuck, healthy], 20);

    const counts = await stack.delivered(healthy.coach.tenantId, healthy.athletes);
    // The healthy tenant got everything while the dead service still holds requests it never answered.
    expect(dead.waiting()).toBeGreaterThan(0);
    expect(counts.push.expected).toHaveLength(40);
    expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
    // The stuck tenant's own in-app notifications and emails did not wait for its pushes either.
    const stuckCounts = await eventually(async () => {
      const c = await stack.postDeliveries(stuck.coach.tenantId);
      return [c.inApp, c.email].every((channel) => channel.expected.every((key) => channel.counts.has(key))) ? c : undefined;
    }, "the stuck tenant's in-app notifications and emails");
    expect({ inApp: offending(stuckCounts.inApp), email: offending(stuckCounts.email) }).toEqual({ inApp: [], email: [] });
    expect(dead.waiting()).toBeGreaterThan(0);
  } finally {
    await dead.close();
  }
}, 120_000);

test("a tenant whose push service answers 500 opens only its own breaker: another tenant's pushes all arrive, and the failing tenant's jobs complete", async () => {
  const failing = await startPushService({ answer: 'error' });
  try {
    const broken = await tenantWithDevices((user) => failing.subscription(`/push/${user.id}`));
    const healthy = await tenantWithDevices((user) => stack.push.subscription(`/push/${user.id}`));
    await interleavedPosts([broken, healthy], 20);

    const counts = await stack.delivered(healthy.coach.tenantId, healthy.athletes);
    expect(counts.push.expected).toHaveLength(40);
    expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });

    // Every push of the broken tenant was handled (sent and failed, or held back by its open breaker), none retried for ever.
    const handled = await eventually(async () => {
      const [row] = await stack.rows<{ n: string }>(`SELECT count(*) AS n FROM processed_events WHERE tenant_id = $1 AND consumer LIKE 'notifications.push:%'`, [broken.coach.tenantId]);
      return Number(row?.n) === 40 ? 40 : undefined;
    }, "the broken tenant's pushes to be handled");
    expect(handled).toBe(40);
    // Its breaker opened: far fewer requests reached the failing service than three tries of each push.
    expect(failing.received.length).toBeLessThan(40 * 3);
    const queue = stack.queue('notifications');
    await eventually(async () => {
      const c = await queue.getJobCounts('active', 'waiting', 'delayed');
      return c.active === 0 && c.waiting === 0 && c.delayed === 0;
    }, 'the notifications queue to drain');
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
  } finally {
    await failing.close();
  }
}, 120_000);

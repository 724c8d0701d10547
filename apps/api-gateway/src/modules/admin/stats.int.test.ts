import { and, count, eq, inArray } from 'drizzle-orm';
import { newId } from '@coachline/db/ids';
import { coachingSessions, workouts } from '@coachline/db/schema/index';
import { startGateway, type Gateway } from '../../testing/gateway-harness';

let gw: Gateway;
let dashboard: Gateway;
const credentials = 'operator:a-long-operator-password';
beforeAll(async () => {
  gw = await startGateway();
  dashboard = await startGateway({ QUEUE_DASHBOARD_CREDENTIALS: credentials });
});
afterAll(async () => {
  await gw.close();
  await dashboard.close();
});

test("an ADMIN sees the tenant's counts and the queue depths; others 403", async () => {
  const { admin, coach } = await gw.tenantWithTeam();
  const res = await gw.http().get('/v1/admin/stats').set(gw.auth(admin));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ members: 4, workouts: 0, sessions: 0, mediaBytes: 0 });
  expect(res.body.queues.notifications).toEqual({ waiting: expect.any(Number), active: expect.any(Number), delayed: expect.any(Number), prioritized: expect.any(Number), failed: expect.any(Number) });
  expect(Object.keys(res.body.queues).sort()).toEqual(['analytics', 'billing', 'generation', 'integrations', 'maintenance', 'media', 'notifications', 'reminders', 'webhooks']);
  expect((await gw.http().get('/v1/admin/stats').set(gw.auth(coach))).status).toBe(403);
});

test('the queue dashboard is off without a configured credential', async () => {
  expect((await gw.http().get('/admin/queues')).status).toBe(404);
});

test('the queue dashboard takes the operator credential, never a tenant token', async () => {
  const admin = await dashboard.signup();
  expect((await dashboard.http().get('/admin/queues')).status).toBe(401);
  expect((await dashboard.http().get('/admin/queues').set(dashboard.auth(admin))).status).toBe(401);
  expect((await dashboard.http().get('/admin/queues').auth('operator', 'wrong-password-here')).status).toBe(401);
  const ok = await dashboard.http().get('/admin/queues').auth('operator', 'a-long-operator-password');
  expect(ok.status).toBe(200);
  expect(ok.text).toMatch(/<html/i);
  const api = await dashboard.http().get('/admin/queues/api/queues').auth('operator', 'a-long-operator-password');
  expect(api.status).toBe(200);
  expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['analytics', 'billing', 'generation', 'integrations', 'maintenance', 'media', 'notifications', 'reminders', 'webhooks']);
});

test('the workout and session counts stay exact under concurrent writes and deletions, from counters rather than counting', async () => {
  const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const tenantId = admin.tenantId;
  const started = await Promise.all(Array.from({ length: 24 }, (_, i) => gw.http().post('/v1/workouts').set(gw.auth(i % 2 ? athlete : athlete2)).send({})));
  expect(started.map((r) => r.status)).toEqual(Array(24).fill(201));
  const day = Date.UTC(2026, 0, 5, 9);
  // Sessions as the scheduling module writes them, each in its own transaction, side by side (cancelled ones never overlap).
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      gw.deps.db.withTenant({ tenantId }, (tx) =>
        tx.insert(coachingSessions).values({
          tenantId,
          id: newId(),
          coachId: coach.id,
          athleteId: athlete.id,
          startsAt: new Date(day + i * 3_600_000),
          endsAt: new Date(day + (i + 1) * 3_600_000),
          status: 'cancelled',
          createdBy: coach.id,
        }),
      ),
    ),
  );
  // Deleted, as erasing a member deletes them, while more are started.
  const doomed = started.slice(0, 5).map((r) => r.body.id as string);
  const [, ...more] = await Promise.all([
    gw.deps.db.withTenant({ tenantId }, (tx) => tx.delete(workouts).where(and(eq(workouts.tenantId, tenantId), inArray(workouts.id, doomed)))),
    ...Array.from({ length: 6 }, () => gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({})),
  ]);
  expect(more.map((r) => r.status)).toEqual(Array(6).fill(201));

  const counted = await gw.deps.db.withTenant({ tenantId }, async (tx) => ({
    workouts: (await tx.select({ n: count() }).from(workouts).where(eq(workouts.tenantId, tenantId)))[0]!.n,
    sessions: (await tx.select({ n: count() }).from(coachingSessions).where(eq(coachingSessions.tenantId, tenantId)))[0]!.n,
  }));
  expect(counted).toEqual({ workouts: 25, sessions: 10 });
  const res = await gw.http().get('/v1/admin/stats').set(gw.auth(admin));
  expect(res.body).toMatchObject(counted);
  // Another tenant's writes are not counted here, nor these there.
  const other = await gw.signup();
  expect((await gw.http().get('/v1/admin/stats').set(gw.auth(other))).body).toMatchObject({ workouts: 0, sessions: 0 });
});

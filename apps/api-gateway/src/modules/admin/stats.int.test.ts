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

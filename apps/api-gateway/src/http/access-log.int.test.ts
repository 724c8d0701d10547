import { startGateway, type Gateway } from '../testing/gateway-harness';
import { capturingLogger } from '../testing/log-capture';

const { logger, lines } = capturingLogger();
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({}, { logger });
});
afterAll(() => gw.close());

const accessLines = () => lines.filter((line) => line.level === 'http' && line.message === 'request');

test('each request gets one access line with method, route pattern, status, duration, request, tenant and user', async () => {
  const admin = await gw.signup();
  const res = await gw.http().get('/v1/members?limit=5').set(gw.auth(admin)).set('x-request-id', 'access-log-1');
  expect(res.status).toBe(200);
  const mine = accessLines().filter((line) => line.requestId === 'access-log-1');
  expect(mine).toEqual([{ level: 'http', message: 'request', method: 'GET', route: '/v1/members', status: 200, durationMs: expect.any(Number), requestId: 'access-log-1', tenantId: admin.tenantId, userId: admin.id }]);
});

test('a calendar feed read logs the route pattern, never the token in its path or a query string', async () => {
  const admin = await gw.signup();
  const feed = await gw.http().post('/v1/calendar-feed').set(gw.auth(admin));
  expect(feed.status).toBe(201);
  const path = new URL(feed.body.url as string).pathname;
  const token = /\/v1\/calendar\/(.+)\.ics$/.exec(path)![1]!;
  const read = await gw.http().get(`${path}?secret=query-secret-value`).set('x-request-id', 'access-log-2');
  expect(read.status).toBe(200);
  const mine = accessLines().filter((line) => line.requestId === 'access-log-2');
  expect(mine).toEqual([expect.objectContaining({ method: 'GET', route: '/v1/calendar/:token.ics', status: 200 })]);
  const everything = JSON.stringify(lines);
  expect(everything).not.toContain(token);
  expect(everything).not.toContain('query-secret-value');
});

test('unmatched and failed requests are logged too, by pattern', async () => {
  await gw.http().get('/v1/no-such-thing/abc?token=zzz').set('x-request-id', 'access-log-3');
  await gw.http().get('/v1/members').set('x-request-id', 'access-log-4');
  expect(accessLines().filter((line) => line.requestId === 'access-log-3')).toEqual([expect.objectContaining({ route: 'unmatched', status: 404 })]);
  expect(accessLines().filter((line) => line.requestId === 'access-log-4')).toEqual([expect.objectContaining({ route: '/v1/members', status: 401 })]);
});

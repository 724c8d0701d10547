import { randomUUID } from 'node:crypto';
import { startGateway, type Gateway } from '../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('operations endpoints', () => {
  test('/health answers ok and /health/ready reports db and redis up', async () => {
    expect((await gw.http().get('/health')).body).toEqual({ status: 'ok' });
    const ready = await gw.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { db: 'up', redis: 'up' } });
  });

  test('/openapi.json is OpenAPI 3.1 with full /v1 paths and the bearer scheme', async () => {
    const res = await gw.http().get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1/);
    expect(res.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/auth/signup', '/v1/members', '/v1/admin/audit-events']));
    for (const path of Object.keys(res.body.paths)) expect(path.startsWith('/v1/')).toBe(true);
    expect(res.body.paths['/v1/members'].get['x-permission']).toBe('member:read');
  });

  test('/docs serves Swagger UI', async () => {
    const res = await gw.http().get('/docs/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });

  test('/metrics exposes the route-pattern histogram and default process metrics', async () => {
    const admin = await gw.signup();
    await gw.http().get('/v1/members').set(gw.auth(admin));
    // An error answered after the route matched is still labelled by its pattern, never the raw path.
    expect((await gw.http().get(`/v1/spaces/${randomUUID()}/posts`).set(gw.auth(admin))).status).toBe(404);
    expect((await gw.http().get('/v1/no-such-route').set(gw.auth(admin))).status).toBe(404);
    const res = await gw.http().get('/metrics');
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/v1\/members",status="200"/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/v1\/spaces\/:id\/posts",status="404"/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="GET",route="unmatched",status="404"/);
    expect(res.text).not.toMatch(/route="\/v1\/spaces\/[0-9a-f]{8}/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('conventions', () => {
  test('every response carries X-Request-Id, echoing a well-formed client id', async () => {
    const own = await gw.http().get('/health').set('x-request-id', 'client-req.1:abc');
    expect(own.headers['x-request-id']).toBe('client-req.1:abc');
    const bad = await gw.http().get('/health').set('x-request-id', 'bad id with spaces');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('malformed JSON is a 400 problem+json', async () => {
    const res = await gw.http().post('/v1/auth/login').set('content-type', 'application/json').send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON', title: expect.any(String), type: expect.any(String), detail: expect.any(String), requestId: res.headers['x-request-id'] });
  });

  test('a body over 1 MiB is a 413', async () => {
    const res = await gw.http().post('/v1/auth/login').send({ email: 'a@b.co', password: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('invalid input is a 422 listing each field, and unknown fields are rejected', async () => {
    const res = await gw.http().post('/v1/auth/signup').send({ organizationName: '', name: 'x', email: 'nope', password: 'short', role: 'ADMIN' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['organizationName', 'email', 'password']));
    expect(JSON.stringify(res.body.errors)).toContain('role');
  });

  test('unknown routes are a 404 problem', async () => {
    const res = await gw.http().get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  test('limit outside 1..100 and a malformed cursor are 422', async () => {
    const admin = await gw.signup();
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%%%not-a-cursor']) {
      const res = await gw.http().get(`/v1/members?${q}`).set(gw.auth(admin));
      expect({ q, status: res.status }).toEqual({ q, status: 422 });
    }
  });
});

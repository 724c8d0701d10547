import { randomTestIp, startGateway, type Gateway } from '../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('methods and media types', () => {
  test('a wrong method on a known path is 405 with Allow; an unknown path stays 404', async () => {
    const admin = await gw.signup();
    const put = await gw.http().put('/v1/members').set(gw.auth(admin)).send({});
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
    expect(put.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    const del = await gw.http().delete('/v1/programs').set(gw.auth(admin));
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('GET, HEAD, POST');
    expect((await gw.http().patch('/v1/calendar-feed').set(gw.auth(admin))).headers.allow).toBe('DELETE, POST');
    expect((await gw.http().put('/v1/nothing-here')).status).toBe(404);
  });

  test('a body that is not application/json is 415 on a route that takes one', async () => {
    const admin = await gw.signup();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await gw.http().post('/v1/spaces').set(gw.auth(admin)).set('content-type', type).send('name=Space');
      expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    const json = await gw.http().post('/v1/spaces').set(gw.auth(admin)).set('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ name: 'Space' }));
    expect(json.status).toBe(201);
    // A route without a body still takes a request without one.
    const feed = await gw.http().post('/v1/calendar-feed').set(gw.auth(admin));
    expect(feed.status).toBe(201);
  });

  test('a 401 carries WWW-Authenticate: Bearer', async () => {
    for (const res of [await gw.http().get('/v1/members'), await gw.http().get('/v1/members').set('authorization', 'Bearer not-a-token')]) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
    }
  });
});

describe('API versions', () => {
  test('every /v1 response carries Api-Version: 1, errors included', async () => {
    const admin = await gw.signup();
    expect((await gw.http().get('/v1/members').set(gw.auth(admin))).headers['api-version']).toBe('1');
    expect((await gw.http().get('/v1/members')).headers['api-version']).toBe('1');
    expect((await gw.http().get('/v1/no-such-route')).headers['api-version']).toBe('1');
  });

  test('a path without the prefix takes its version from the header or the query, the latest by default', async () => {
    const admin = await gw.signup();
    const byHeader = await gw.http().get('/members').set(gw.auth(admin)).set('api-version', '1');
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers['api-version']).toBe('1');
    expect(byHeader.body.items).toEqual([expect.objectContaining({ userId: admin.id })]);
    const byQuery = await gw.http().get('/exercises?api-version=1&q=squat').set(gw.auth(admin));
    expect(byQuery.status).toBe(200);
    expect(byQuery.body.items.length).toBeGreaterThan(0);
    const latest = await gw.http().get('/members').set(gw.auth(admin));
    expect(latest.status).toBe(200);
    expect(latest.headers['api-version']).toBe('1');
    const created = await gw.http().post('/spaces').set(gw.auth(admin)).send({ name: 'Unprefixed' });
    expect(created.status).toBe(201);
    expect((await gw.http().get(`/v1/spaces/${created.body.id}/posts`).set(gw.auth(admin))).status).toBe(200);
  });

  test('an unknown version is 400 UNSUPPORTED_API_VERSION', async () => {
    const admin = await gw.signup();
    for (const res of [
      await gw.http().get('/members').set(gw.auth(admin)).set('api-version', '2'),
      await gw.http().get('/members?api-version=0').set(gw.auth(admin)),
      await gw.http().get('/members?api-version=1&api-version=2').set(gw.auth(admin)),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('UNSUPPORTED_API_VERSION');
    }
  });
});

describe('client addresses', () => {
  test('by default X-Forwarded-For is believed from no one, loopback included', async () => {
    const strict = await startGateway({ TRUST_PROXY: undefined, RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await strict.http().post('/v1/auth/signup').set('x-forwarded-for', randomTestIp()).send({ organizationName: 'Org', name: 'Ada', email: `xff-${Date.now()}-${i}@example.com`, password: 'correct horse battery' });
        statuses.push(res.status);
      }
      // Every request came from loopback; a forged header must not buy each its own allowance.
      expect(statuses[2]).toBe(429);
    } finally {
      await strict.close();
    }
  });
});

describe('queue dashboard', () => {
  test('failed Basic logins are limited per address: 429 after the limit, the right password included', async () => {
    const credentials = 'operator:a-long-operator-password';
    const dash = await startGateway({ QUEUE_DASHBOARD_CREDENTIALS: credentials, QUEUE_DASHBOARD_FAILED_LOGINS_PER_IP: '3' });
    try {
      const ip = randomTestIp();
      const wrong = () => dash.http().get('/admin/queues').set('x-forwarded-for', ip).auth('operator', 'guess-guess-guess');
      const right = () => dash.http().get('/admin/queues').set('x-forwarded-for', ip).auth('operator', 'a-long-operator-password');
      expect((await right()).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await wrong()).status).toBe(401);
      const refused = await wrong();
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect((await right()).status).toBe(429);
      expect((await dash.http().get('/admin/queues').set('x-forwarded-for', randomTestIp()).auth('operator', 'a-long-operator-password')).status).toBe(200);
    } finally {
      await dash.close();
    }
  });
});

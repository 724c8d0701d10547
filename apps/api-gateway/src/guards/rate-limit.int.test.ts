import { randomUUID } from 'node:crypto';
import { randomTestIp as randomIp, startGateway, type Gateway } from '../testing/gateway-harness';

describe('per-account failed logins', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  test('after 10 failures within the window every login for the account is 429, right password or not', async () => {
    const admin = await gw.signup();
    for (let i = 0; i < 10; i++) {
      expect((await gw.http().post('/v1/auth/login').send({ email: admin.email, password: `wrong password ${i}` })).status).toBe(401);
    }
    const blocked = await gw.http().post('/v1/auth/login').send({ email: admin.email.toUpperCase(), password: admin.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['ratelimit-limit']).toBe('10');
    expect(blocked.headers['ratelimit-remaining']).toBe('0');
    expect(Number(blocked.headers['ratelimit-reset'])).toBeGreaterThan(0);
    // Another account from the same address is unaffected: the limit is per account.
    const other = await gw.signup();
    expect((await gw.http().post('/v1/auth/login').send({ email: other.email, password: other.password })).status).toBe(200);
  });

  test('successful logins do not count toward the failure limit', async () => {
    const admin = await gw.signup();
    for (let i = 0; i < 12; i++) {
      expect((await gw.http().post('/v1/auth/login').send({ email: admin.email, password: admin.password })).status).toBe(200);
    }
  });
});

describe('per-IP limits behind a trusted proxy', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_LOGIN_PER_IP_PER_HOUR: '3', RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '2', RATE_LIMIT_INVITE_PER_IP_PER_HOUR: '2' });
  });
  afterAll(() => gw.close());

  test('login per IP: credential stuffing across many accounts from one address is stopped', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await gw.http().post('/v1/auth/login').set('x-forwarded-for', ip).send({ email: `victim-${randomUUID()}@example.com`, password: 'password123456' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await gw.http().post('/v1/auth/login').set('x-forwarded-for', randomIp()).send({ email: 'x@example.com', password: 'password123456' })).status).toBe(401);
  });

  test('signup and invitations per IP', async () => {
    const ip = randomIp();
    const signup = () => gw.http().post('/v1/auth/signup').set('x-forwarded-for', ip).send({ organizationName: 'O', name: 'N', email: `s-${randomUUID()}@example.com`, password: 'password123456' });
    expect([(await signup()).status, (await signup()).status, (await signup()).status]).toEqual([201, 201, 429]);
    const admin = await gw.signup();
    const invIp = randomIp();
    const invite = () => gw.http().post('/v1/invitations').set('x-forwarded-for', invIp).set(gw.auth(admin)).send({ email: `i-${randomUUID()}@example.com`, role: 'ATHLETE' });
    expect([(await invite()).status, (await invite()).status, (await invite()).status]).toEqual([201, 201, 429]);
  });
});

describe('password limits', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR: '2', RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR: '3', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: '3' });
  });
  afterAll(() => gw.close());

  test('reset requests are limited per email, known or not alike, and per address', async () => {
    const admin = await gw.signup();
    const ask = (email: string, ip = randomIp()) => gw.http().post('/v1/auth/password-reset').set('x-forwarded-for', ip).send({ email });
    for (const email of [admin.email, `nobody-${randomUUID()}@example.com`]) {
      expect([(await ask(email)).status, (await ask(email.toUpperCase())).status, (await ask(email)).status]).toEqual([202, 202, 429]);
    }
    const ip = randomIp();
    const fromOneAddress = [];
    for (let i = 0; i < 4; i++) fromOneAddress.push((await ask(`someone-${randomUUID()}@example.com`, ip)).status);
    expect(fromOneAddress).toEqual([202, 202, 202, 429]);
    const confirm = await gw.http().post('/v1/auth/password-reset/confirm').set('x-forwarded-for', ip).send({ token: 'pwr_x', password: 'a long new password' });
    expect(confirm.status).toBe(429);
  });

  test('wrong current passwords count like failed logins, per user', async () => {
    const admin = await gw.signup();
    const change = (currentPassword: string) => gw.http().post('/v1/me/password').set(gw.auth(admin)).send({ currentPassword, newPassword: 'a long new password' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await change(`wrong password ${i}`)).status);
    statuses.push((await change(admin.password)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another user is unaffected.
    const other = await gw.signup();
    expect((await gw.http().post('/v1/me/password').set(gw.auth(other)).send({ currentPassword: other.password, newPassword: 'a long new password' })).status).toBe(204);
  });
});

test('X-Forwarded-For from an untrusted peer cannot be used to dodge the per-IP limit', async () => {
  const gw = await startGateway({ TRUST_PROXY: '0', RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '2' });
  try {
    // Every request comes from loopback; without a trusted proxy the spoofed header is ignored.
    await gw.deps.redis.call('DEL', '{coachline}:rl:signup-ip:127.0.0.1');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await gw.http().post('/v1/auth/signup').set('x-forwarded-for', randomIp()).send({ organizationName: 'O', name: 'N', email: `s-${randomUUID()}@example.com`, password: 'password123456' });
      statuses.push(res.status);
    }
    expect(statuses[2]).toBe(429);
  } finally {
    await gw.deps.redis.call('DEL', '{coachline}:rl:signup-ip:127.0.0.1');
    await gw.close();
  }
});

test('per-user and per-tenant request limits', async () => {
  const gw = await startGateway({ RATE_LIMIT_USER_PER_MINUTE: '5', RATE_LIMIT_TENANT_PER_MINUTE: '8' });
  try {
    const { admin, coach } = await (async () => {
      const a = await gw.signup();
      return { admin: a, coach: await gw.addMember(a, 'COACH') };
    })();
    // The admin already spent one request inviting the coach.
    // The headers describe whichever budget runs out first: here the user's.
    const first = await gw.http().get('/v1/me').set(gw.auth(admin));
    expect([first.headers['ratelimit-limit'], first.headers['ratelimit-remaining']]).toEqual(['5', '3']);
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0);
    const statuses: number[] = [first.status];
    for (let i = 0; i < 5; i++) statuses.push((await gw.http().get('/v1/me').set(gw.auth(admin))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    // The coach has a fresh user budget but shares the tenant's 8, of which 5 are spent.
    const coachFirst = await gw.http().get('/v1/me').set(gw.auth(coach));
    expect([coachFirst.headers['ratelimit-limit'], coachFirst.headers['ratelimit-remaining']]).toEqual(['8', '2']);
    const coachStatuses: number[] = [coachFirst.status];
    for (let i = 0; i < 3; i++) coachStatuses.push((await gw.http().get('/v1/me').set(gw.auth(coach))).status);
    expect(coachStatuses).toEqual([200, 200, 200, 429]);
    const refused = await gw.http().get('/v1/me').set(gw.auth(coach));
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
  } finally {
    await gw.close();
  }
});

describe('request quotas far from the limit are served locally and reach Redis in batches', () => {
  const counter = async (gw: Gateway, key: string) => Number((await gw.deps.redis.call('GET', `{coachline}:rl:${key}`)) ?? 0);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('every request served is counted in Redis within the sync period', async () => {
    const gw = await startGateway({ RATE_LIMIT_USER_PER_MINUTE: '1000', RATE_LIMIT_TENANT_PER_MINUTE: '5000' });
    try {
      const admin = await gw.signup();
      const before = await counter(gw, `user:${admin.id}`);
      const remaining: number[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await gw.http().get('/v1/me').set(gw.auth(admin));
        expect(res.status).toBe(200);
        remaining.push(Number(res.headers['ratelimit-remaining']));
      }
      // Served here or asked of Redis, each request spends one from the budget the headers show.
      expect(remaining).toEqual(remaining.map((_, i) => remaining[0]! - i));
      await pause(300);
      expect((await counter(gw, `user:${admin.id}`)) - before).toBe(25);
    } finally {
      await gw.close();
    }
  });

  test('two instances together never let through more than the limit, since the last tenth is always asked of Redis', async () => {
    const settings = { RATE_LIMIT_USER_PER_MINUTE: '30', RATE_LIMIT_TENANT_PER_MINUTE: '100000' };
    const [first, second] = await Promise.all([startGateway(settings), startGateway(settings)]);
    try {
      const admin = await first.signup();
      const spent = await counter(first, `user:${admin.id}`);
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) statuses.push((await first.http().get('/v1/me').set(first.auth(admin))).status);
      await pause(300);
      for (let i = 0; i < 30; i++) statuses.push((await second.http().get('/v1/me').set(second.auth(admin))).status);
      const allowed = statuses.filter((status) => status === 200).length;
      expect(allowed).toBe(30 - spent);
      expect(statuses.slice(allowed).every((status) => status === 429)).toBe(true);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

test('auth limiters fail closed when Redis is down, while other routes keep serving', async () => {
  const up = await startGateway();
  const admin = await up.signup();
  await up.close();
  const down = await startGateway({ REDIS_URL: 'redis://127.0.0.1:1' });
  try {
    const login = await down.http().post('/v1/auth/login').send({ email: admin.email, password: admin.password });
    expect(login.status).toBe(503);
    expect(login.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(login.headers['retry-after']).toMatch(/^\d+$/);
    expect((await down.http().get('/v1/me').set(down.auth(admin))).status).toBe(200);
    const ready = await down.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ db: 'up', redis: 'down' });
  } finally {
    await down.close();
  }
});

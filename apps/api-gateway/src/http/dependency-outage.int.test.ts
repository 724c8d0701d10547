import { randomTestIp, startGateway } from '../testing/gateway-harness';
import { capturingLogger } from '../testing/log-capture';

const outageLines = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.level === 'error' || line.message === 'dependency unavailable');

test('with Postgres unreachable, requests are 503 with Retry-After, each logged once as a dependency failure without a stack', async () => {
  const { logger, lines } = capturingLogger();
  const gw = await startGateway({ DATABASE_URL: 'postgres://coachline@127.0.0.1:1/coachline' }, { logger });
  try {
    const token = gw.deps.tokens.sign({ userId: '0190f0c8-0000-7000-8000-000000000001', tenantId: '0190f0c8-0000-7000-8000-000000000002', role: 'ADMIN' });
    const answers = [
      await gw.http().post('/v1/auth/signup').set('x-forwarded-for', randomTestIp()).send({ organizationName: 'Org', name: 'Ada', email: 'ada@example.com', password: 'correct horse battery' }),
      await gw.http().get('/v1/members').set('authorization', `Bearer ${token}`),
      await gw.http().post('/v1/spaces').set('authorization', `Bearer ${token}`).send({ name: 'S' }),
    ];
    for (const res of answers) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
    }
    const logged = outageLines(lines);
    expect(logged).toHaveLength(answers.length);
    for (const line of logged) {
      expect(line).toMatchObject({ level: 'warn', message: 'dependency unavailable', dependency: 'postgres' });
      expect(line.stack).toBeUndefined();
    }
    expect(logged.map((line) => line.requestId)).toEqual(answers.map((res) => res.headers['x-request-id']));
  } finally {
    await gw.close();
  }
});

test('a request after the pool has been stopped is 503, not 500', async () => {
  const { logger, lines } = capturingLogger();
  const gw = await startGateway({}, { logger });
  const admin = await gw.signup();
  await gw.deps.db.close();
  try {
    const res = await gw.http().get('/v1/members').set(gw.auth(admin));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(outageLines(lines)).toEqual([expect.objectContaining({ level: 'warn', message: 'dependency unavailable', dependency: 'postgres' })]);
  } finally {
    await gw.close().catch(() => undefined);
  }
});

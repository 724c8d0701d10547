import net from 'node:net';
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

test('with Postgres accepting connections but never answering, requests fail with 503 once the connect timeout passes instead of hanging', async () => {
  // A stalled server or a dropped route: the TCP handshake succeeds, the startup message is never answered.
  const held = new Set<net.Socket>();
  const silent = net.createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  const url = `postgres://coachline@127.0.0.1:${(silent.address() as net.AddressInfo).port}/coachline`;
  const { logger, lines } = capturingLogger();
  const gw = await startGateway({ DATABASE_URL: url, DATABASE_SYSTEM_URL: url, DATABASE_CONNECT_TIMEOUT_MS: '300' }, { logger });
  try {
    const token = gw.deps.tokens.sign({ userId: '0190f0c8-0000-7000-8000-000000000001', tenantId: '0190f0c8-0000-7000-8000-000000000002', role: 'ADMIN' });
    // The client's own deadline only keeps a hanging request from hanging the test.
    const res = await gw.http().get('/v1/members').set('authorization', `Bearer ${token}`).timeout(20_000);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(outageLines(lines)).toEqual([expect.objectContaining({ level: 'warn', message: 'dependency unavailable', dependency: 'postgres' })]);
    expect(held.size).toBeGreaterThan(0);
  } finally {
    // Sockets first: a pool without the timeout would wait on them for ever while it closes.
    for (const socket of held) socket.destroy();
    await gw.close().catch(() => undefined);
    await new Promise((resolve) => silent.close(resolve));
  }
}, 40_000);

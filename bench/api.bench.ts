import { randomBytes, randomUUID } from 'node:crypto';
import { load, report, startServer } from './lib/measure';

/**
 * GET /v1/members through the whole middleware chain (JWT, per-user and
 * per-tenant rate limits in Redis, an RLS transaction) against bare Express + pg
 * serving the same query, in the same run: at saturation (64 connections) and
 * at a fixed 500 req/s.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function main() {
  const env = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_USER_PER_MINUTE: '100000000',
    RATE_LIMIT_TENANT_PER_MINUTE: '100000000',
    RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: '1000',
    RATE_LIMIT_INVITE_PER_IP_PER_HOUR: '1000',
    DATABASE_POOL_SIZE: '10',
  };
  const gateway = await startServer('lib/gateway-server.ts', env);
  const signup = await fetch(`${gateway.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: 'Bench Gym', name: 'Bench Admin', email: `bench-${randomUUID()}@example.com`, password: 'bench password 1' }),
  });
  const session = (await signup.json()) as { accessToken: string; tenant: { id: string } };
  const headers = { authorization: `Bearer ${session.accessToken}` };
  for (let i = 0; i < 10; i++) {
    const invite = await fetch(`${gateway.url}/v1/invitations`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ email: `athlete-${randomUUID()}@example.com`, role: 'ATHLETE' }) });
    const { token } = (await invite.json()) as { token: string };
    await fetch(`${gateway.url}/v1/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name: `Athlete ${i}`, password: 'bench password 1' }) });
  }
  const bare = await startServer('lib/bare-server.ts', { ...env, BENCH_TENANT_ID: session.tenant.id });
  const check = await (await fetch(`${gateway.url}/v1/members`, { headers })).json() as { items: unknown[] };
  if (check.items.length !== 11) throw new Error(`expected 11 members, got ${check.items.length}`);

  const target = (url: string, withAuth: boolean) => ({ url: `${url}/v1/members`, headers: withAuth ? headers : undefined });
  try {
    await load({ ...target(bare.url, false), connections: 16, seconds: 2 });
    await load({ ...target(gateway.url, true), connections: 16, seconds: 2 });
    const bareMax = await load({ ...target(bare.url, false), connections: 64, seconds: SECONDS });
    const fullMax = await load({ ...target(gateway.url, true), connections: 64, seconds: SECONDS });
    const bareFixed = await load({ ...target(bare.url, false), connections: 64, seconds: SECONDS, rate: 500 });
    const fullFixed = await load({ ...target(gateway.url, true), connections: 64, seconds: SECONDS, rate: 500 });
    report('GET /v1/members: bare Express + pg vs the full gateway (same run)', [
      { scenario: 'saturation, 64 conns', server: 'bare', 'req/s': Math.round(bareMax.requestsPerSecond), 'p50 ms': bareMax.p50, 'p99 ms': bareMax.p99, non2xx: bareMax.non2xx, errors: bareMax.errors },
      { scenario: 'saturation, 64 conns', server: 'gateway', 'req/s': Math.round(fullMax.requestsPerSecond), 'p50 ms': fullMax.p50, 'p99 ms': fullMax.p99, non2xx: fullMax.non2xx, errors: fullMax.errors },
      { scenario: 'fixed 500 req/s', server: 'bare', 'req/s': Math.round(bareFixed.requestsPerSecond), 'p50 ms': bareFixed.p50, 'p99 ms': bareFixed.p99, non2xx: bareFixed.non2xx, errors: bareFixed.errors },
      { scenario: 'fixed 500 req/s', server: 'gateway', 'req/s': Math.round(fullFixed.requestsPerSecond), 'p50 ms': fullFixed.p50, 'p99 ms': fullFixed.p99, non2xx: fullFixed.non2xx, errors: fullFixed.errors },
    ]);
    const throughput = fullMax.requestsPerSecond / bareMax.requestsPerSecond;
    const p99Ratio = fullFixed.p99 / Math.max(bareFixed.p99, 1);
    process.stdout.write(
      `\nthroughput at saturation: gateway/bare = ${throughput.toFixed(2)} (target >= 0.75)\n` +
        `p99 at 500 req/s: gateway/bare = ${p99Ratio.toFixed(2)} (target <= 1.5)\n`,
    );
  } finally {
    await Promise.all([gateway.stop(), bare.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

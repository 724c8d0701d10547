import { randomBytes, randomUUID } from 'node:crypto';
import { load, median, paced, report, startServer, type LoadResult } from './lib/measure';

/**
 * GET /v1/members through the whole middleware chain (JWT, per-user and
 * per-tenant rate limits in Redis, an RLS transaction) against bare Express + pg
 * serving the same query, in the same run: at saturation (64 connections) and
 * at a fixed 500 req/s, paced evenly (see `paced`).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function main() {
  const env = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
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
    // This machine's speed drifts by tens of percent within a minute, so the two
    // servers alternate in short rounds (each round swapping which goes first)
    // and every ratio compares neighbours; the medians are reported.
    const rounds: Array<{ bareMax: LoadResult; fullMax: LoadResult; bareFixed: LoadResult; fullFixed: LoadResult }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pair = async (measure: (server: 'bare' | 'full') => Promise<LoadResult>) => {
        if (round % 2 === 0) {
          const bareResult = await measure('bare');
          return { bare: bareResult, full: await measure('full') };
        }
        const fullResult = await measure('full');
        return { bare: await measure('bare'), full: fullResult };
      };
      const of = (server: 'bare' | 'full') => (server === 'bare' ? target(bare.url, false) : target(gateway.url, true));
      const saturation = await pair((server) => load({ ...of(server), connections: 64, seconds: SECONDS }));
      const fixed = await pair((server) => paced({ ...of(server), connections: 64, rate: 500, seconds: SECONDS }));
      rounds.push({ bareMax: saturation.bare, fullMax: saturation.full, bareFixed: fixed.bare, fullFixed: fixed.full });
    }
    const row = (round: string, scenario: string, server: string, r: LoadResult) => ({ round, scenario, server, 'req/s': Math.round(r.requestsPerSecond), 'p50 ms': r.p50, 'p99 ms': r.p99, non2xx: r.non2xx, errors: r.errors });
    report(
      `GET /v1/members: bare Express + pg vs the full gateway, ${ROUNDS} alternating rounds of ${SECONDS} s`,
      rounds.flatMap((r, i) => [
        row(String(i + 1), 'saturation, 64 conns', 'bare', r.bareMax),
        row(String(i + 1), 'saturation, 64 conns', 'gateway', r.fullMax),
        row(String(i + 1), 'fixed 500 req/s', 'bare', r.bareFixed),
        row(String(i + 1), 'fixed 500 req/s', 'gateway', r.fullFixed),
      ]),
    );
    const throughputs = rounds.map((r) => r.fullMax.requestsPerSecond / r.bareMax.requestsPerSecond);
    const p99Ratios = rounds.map((r) => r.fullFixed.p99 / Math.max(r.bareFixed.p99, 1));
    const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
    process.stdout.write(
      `\nthroughput at saturation, gateway/bare: median ${median(throughputs).toFixed(2)} (rounds: ${list(throughputs)}; target >= 0.75)\n` +
        `p99 at 500 req/s, gateway/bare: median ${median(p99Ratios).toFixed(2)} (rounds: ${list(p99Ratios)}; target <= 1.5)\n`,
    );
  } finally {
    await Promise.all([gateway.stop(), bare.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { randomUUID } from 'node:crypto';
import { unthrottledGatewayEnv } from './lib/gateway-env';
import { load, median, paced, report, startServer, type LoadResult } from './lib/measure';

/**
 * GET /v1/members through the whole middleware chain (JWT, per-user and
 * per-tenant rate limits in Redis, an RLS transaction) against baselines
 * serving the same query, in the same run: naive Express + pg, and the
 * strongest Node one, node:http + pg with the statement prepared (the targets
 * are against this one). At saturation (64 connections) and at a fixed
 * 500 req/s, paced evenly (see `paced`).
 *
 * Two floors say what the stack itself costs, each one thing added to the
 * strongest baseline: Express (the same prepared query, served by Express),
 * and tenant isolation (node:http reading as the gateway reads, as the
 * request role under row-level security with the tenant set in the same
 * round trip). Their product is printed too, as an indication only: the two
 * costs share the machine's two cores, so they do not simply multiply.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function main() {
  const env = unthrottledGatewayEnv();
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
  const tenant = { ...env, BENCH_TENANT_ID: session.tenant.id };
  const bare = await startServer('lib/bare-server.ts', tenant);
  const expressFloor = await startServer('lib/bare-server.ts', { ...tenant, BENCH_PREPARED: '1' });
  const node = await startServer('lib/node-http-server.ts', tenant);
  const rlsFloor = await startServer('lib/node-http-server.ts', { ...tenant, BENCH_RLS: '1' });
  const check = await (await fetch(`${gateway.url}/v1/members`, { headers })).json() as { items: unknown[] };
  if (check.items.length !== 11) throw new Error(`expected 11 members, got ${check.items.length}`);

  for (const floor of [expressFloor, rlsFloor]) {
    const items = ((await (await fetch(`${floor.url}/v1/members`)).json()) as { items: unknown[] }).items;
    if (items.length !== 11) throw new Error(`a floor server answered ${items.length} members, not 11`);
  }

  type Server = 'express' | 'expressFloor' | 'node' | 'rlsFloor' | 'gateway';
  const servers: Server[] = ['express', 'expressFloor', 'node', 'rlsFloor', 'gateway'];
  const target = (server: Server) => ({ url: `${{ express: bare, expressFloor, node, rlsFloor, gateway }[server].url}/v1/members`, headers: server === 'gateway' ? headers : undefined });
  try {
    for (const server of servers) await load({ ...target(server), connections: 16, seconds: 2 });
    // This machine's speed drifts by tens of percent within a minute, so the
    // servers take turns in short rounds (each round rotating which goes first)
    // and every ratio compares neighbours; the medians are reported.
    // The floors bound throughput only: the fixed rate compares the gateway with the baselines alone.
    const pacedServers = new Set<Server>(['express', 'node', 'gateway']);
    type Round = { max: Record<Server, LoadResult>; fixed: Partial<Record<Server, LoadResult>> };
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
      const each = async (among: Server[], measure: (server: Server) => Promise<LoadResult>) => {
        const results: Partial<Record<Server, LoadResult>> = {};
        for (const server of among) results[server] = await measure(server);
        return results;
      };
      const max = (await each(order, (server) => load({ ...target(server), connections: 64, seconds: SECONDS }))) as Record<Server, LoadResult>;
      const fixed = await each(
        order.filter((server) => pacedServers.has(server)),
        (server) => paced({ ...target(server), connections: 64, rate: 500, seconds: SECONDS }),
      );
      rounds.push({ max, fixed });
    }
    const fixedOf = (r: Round, server: Server) => r.fixed[server]!;
    const label: Record<Server, string> = {
      express: 'express + pg',
      expressFloor: 'express + pg, prepared',
      node: 'node:http + pg, prepared',
      rlsFloor: 'node:http + pg under RLS',
      gateway: 'gateway',
    };
    const row = (round: string, scenario: string, server: Server, r: LoadResult) => ({ round, scenario, server: label[server], 'req/s': Math.round(r.requestsPerSecond), 'p50 ms': r.p50, 'p99 ms': r.p99, non2xx: r.non2xx, errors: r.errors });
    report(
      `GET /v1/members: naive Express + pg, the two floors, node:http + pg (prepared) and the full gateway, ${ROUNDS} rotating rounds of ${SECONDS} s`,
      rounds.flatMap((r, i) => [
        ...servers.map((server) => row(String(i + 1), 'saturation, 64 conns', server, r.max[server])),
        ...servers.filter((server) => pacedServers.has(server)).map((server) => row(String(i + 1), 'fixed 500 req/s', server, fixedOf(r, server))),
      ]),
    );
    const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
    const throughputs = (against: Server, server: Server = 'gateway') => rounds.map((r) => r.max[server].requestsPerSecond / r.max[against].requestsPerSecond);
    const ratios = (against: Server) => ({
      throughput: throughputs(against),
      p99: rounds.map((r) => fixedOf(r, 'gateway').p99 / Math.max(fixedOf(r, against).p99, 1)),
    });
    const strongest = ratios('node');
    const naive = ratios('express');
    const framework = throughputs('node', 'expressFloor');
    const isolation = throughputs('node', 'rlsFloor');
    const both = framework.map((f, i) => f * isolation[i]!);
    process.stdout.write(
      `\nthroughput at saturation, gateway/node:http: median ${median(strongest.throughput).toFixed(2)} (rounds: ${list(strongest.throughput)}; target >= 0.6)\n` +
        `p99 at 500 req/s, gateway/node:http: median ${median(strongest.p99).toFixed(2)} (rounds: ${list(strongest.p99)}; target <= 1.5)\n` +
        `throughput at saturation, gateway/express: median ${median(naive.throughput).toFixed(2)} (rounds: ${list(naive.throughput)}; target >= 0.75, met and retired)\n` +
        `p99 at 500 req/s, gateway/express: median ${median(naive.p99).toFixed(2)} (rounds: ${list(naive.p99)})\n` +
        `floors, throughput against node:http: Express alone ${median(framework).toFixed(2)} (rounds: ${list(framework)}), ` +
        `RLS alone ${median(isolation).toFixed(2)} (rounds: ${list(isolation)}), the two together about ${median(both).toFixed(2)}\n`,
    );
  } finally {
    await Promise.all([gateway, bare, expressFloor, node, rlsFloor].map((server) => server.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

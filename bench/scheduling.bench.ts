// `pnpm bench scheduling`: the slots query over a full month (1,488 half-hour
// slots, with bookings to leave out) and the session list, against a bare
// Express route answering a payload of the same size, in the same run.
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { createHttpServer } from '@coachline/api-gateway/http/server';
import { startGateway } from '@coachline/api-gateway/testing/gateway-harness';

const DURATION_SECONDS = 5;
const DAY = 86_400_000;

async function measure(url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections: 10, duration: DURATION_SECONDS, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

async function main() {
  const gw = await startGateway();
  // Served as main.ts serves it.
  const server = createHttpServer(gw.app).listen(0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { coach, athlete } = await gw.tenantWithTeam();
  await gw
    .http()
    .put(`/v1/coaches/${coach.id}/availability`)
    .set(gw.auth(coach))
    .send({ timezone: 'Europe/Berlin', slotMinutes: 30, rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) });
  const from = new Date(Math.floor(Date.now() / DAY) * DAY + DAY);
  const to = new Date(from.getTime() + 31 * DAY);
  for (let i = 0; i < 60; i++) {
    await gw.http().post('/v1/sessions').set(gw.auth(coach)).send({ coachId: coach.id, athleteId: athlete.id, start: new Date(from.getTime() + i * 11 * 3_600_000).toISOString() });
  }
  const slotsPath = `/v1/coaches/${coach.id}/slots?from=${from.toISOString()}&to=${to.toISOString()}`;
  const sample = await gw.http().get(slotsPath).set(gw.auth(athlete));
  const sessionsSample = await gw.http().get('/v1/sessions?limit=100').set(gw.auth(coach));

  // Baseline: Express answering the same JSON bodies from memory.
  const bare = express();
  bare.get('/slots', (_req, res) => {
    res.json(sample.body);
  });
  bare.get('/sessions', (_req, res) => {
    res.json(sessionsSample.body);
  });
  const bareServer = bare.listen(0);
  const bareBase = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

  const auth = (user: { accessToken: string }) => ({ authorization: `Bearer ${user.accessToken}` });
  const baselineSlots = await measure(`${bareBase}/slots`);
  const slots = await measure(`${base}${slotsPath}`, auth(athlete));
  const baselineSessions = await measure(`${bareBase}/sessions`);
  const sessions = await measure(`${base}/v1/sessions?limit=100`, auth(coach));

  const report = (name: string, baseline: { rps: number; p99: number }, measured: { rps: number; p99: number }) =>
    console.log(
      `${name}: ${measured.rps.toFixed(0)} req/s vs baseline ${baseline.rps.toFixed(0)} req/s (ratio ${(measured.rps / baseline.rps).toFixed(2)}), p99 ${measured.p99} ms vs ${baseline.p99} ms`,
    );
  console.log(`slots in a 31-day query: ${(sample.body as { items: unknown[] }).items.length}; sessions listed: ${(sessionsSample.body as { items: unknown[] }).items.length}`);
  report('GET /v1/coaches/:id/slots (31 days)', baselineSlots, slots);
  report('GET /v1/sessions?limit=100', baselineSessions, sessions);

  // autocannon may leave requests in flight: let them finish, then close every connection before the pools.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const s of [server, bareServer]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await gw.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

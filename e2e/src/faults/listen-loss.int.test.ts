import { eventually } from '@coachline/testing/eventually';
import type { ApiClient, ApiUser } from '../testing/api-client';
import { inLanes, offending, startProcessStack, type ProcessStack } from '../testing/process-stack';
import { startTcpProxy } from '../testing/tcp-proxy';

/**
 * The relay wakes on LISTEN outbox; its poll is the fallback for when that
 * connection is lost. The scheduler reaches Postgres as the system role (the
 * role it LISTENs with) through a proxy, so a test can also make the LISTEN
 * connection go silent without closing, which no server-side kill does.
 */
const LISTENER = 'outbox-relay-listener';
let stack: ProcessStack;
let api: ApiClient;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let team: { coach: ApiUser; athletes: ApiUser[]; spaceId: string };
beforeAll(async () => {
  stack = await startProcessStack({ env: { OUTBOX_POLL_INTERVAL_MS: '1000' } });
  const systemUrl = new URL(stack.urls.DATABASE_SYSTEM_URL);
  proxy = await startTcpProxy(Number(systemUrl.port));
  systemUrl.port = String(proxy.port);
  const [gateway] = await Promise.all([stack.start('api-gateway'), stack.start('notifications-worker'), stack.start('scheduler', { DATABASE_SYSTEM_URL: systemUrl.toString() })]);
  api = stack.api(gateway);
  const { coach, athletes } = await api.team(2);
  team = { coach, athletes, spaceId: await api.space(coach, athletes) };
  for (const athlete of athletes) await stack.addDevice(athlete);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await proxy?.close();
}, 60_000);

const listenerPids = async () => (await stack.rows<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [LISTENER])).map((r) => r.pid);
const burst = (from: number, count: number, after?: (done: number) => Promise<void>) =>
  inLanes(
    Array.from({ length: count }, (_, i) => from + i),
    3,
    async (i) => {
      expect((await api.post(team.coach, team.spaceId, `post ${i}`)).status).toBe(201);
    },
    after,
  );

test("the LISTEN connection terminated mid-burst, again each time it comes back: every post still delivered once", async () => {
  expect(await listenerPids()).toHaveLength(1);
  let terminated = 0;
  let bursting = true;
  // The system role may end its own backends, as an operator or a failover would.
  const killer = (async () => {
    while (bursting) {
      for (const pid of await listenerPids()) {
        const [row] = await stack.rows<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
        if (row?.ok) terminated++;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await burst(0, 20, async (done) => {
    if (done === 20) await eventually(() => terminated >= 2, 'the listener to be terminated again');
  });
  bursting = false;
  await killer;

  const counts = await stack.delivered(team.coach.tenantId, team.athletes);
  expect(counts.inApp.expected).toHaveLength(40);
  expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
  // The relay's listener reconnects once left alone.
  await eventually(async () => (await listenerPids()).length === 1, 'the listener to come back');
}, 120_000);

test('a LISTEN connection gone silent (no close, no error, no NOTIFY): the poll alone delivers every post once', async () => {
  const listening = await eventually(() => proxy.connections().filter((c) => c.startup.includes(LISTENER)), 'the listener through the proxy');
  expect(listening).toHaveLength(1);
  listening[0]!.silence();
  await burst(100, 10);

  const counts = await stack.delivered(team.coach.tenantId, team.athletes);
  expect(counts.inApp.expected).toHaveLength(60);
  expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
  // The relay never noticed: the silent connection is still its only listener, so no reconnect catch-up delivered these.
  expect(proxy.connections().filter((c) => c.startup.includes(LISTENER))).toEqual(listening);
}, 120_000);

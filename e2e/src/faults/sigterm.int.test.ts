import { randomUUID } from 'node:crypto';
import { eventually } from '@coachline/testing/eventually';
import type { ApiUser, Reply } from '../testing/api-client';
import type { AppProcess, Exit } from '../testing/app-process';
import { inLanes, offending, startProcessStack, type ProcessStack } from '../testing/process-stack';
import { startRedisProcess } from '../testing/redis-process';

/**
 * SIGTERM is how every deployment stops a process (a rollout, a scale-down).
 * Under load, the process stops taking new work, finishes what it took, and
 * exits 0: nothing it accepted is lost or cut off, and nothing is left for
 * stalled-job recovery.
 */
let stack: ProcessStack;
let gateway: AppProcess;
let scheduler: AppProcess;
let team: { coach: ApiUser; athletes: ApiUser[]; spaceId: string };
beforeAll(async () => {
  stack = await startProcessStack();
  [gateway, scheduler] = await Promise.all([stack.start('api-gateway'), stack.start('scheduler')]);
  const api = stack.api(gateway);
  const { coach, athletes } = await api.team(2);
  team = { coach, athletes, spaceId: await api.space(coach, athletes) };
  for (const athlete of athletes) await stack.addDevice(athlete);
}, 120_000);
afterAll(() => stack?.close(), 60_000);

const shuttingDown = (app: AppProcess) => eventually(() => app.output().includes('"message":"shutting down"'), `${app.name} to take the signal`);

test('a gateway sent SIGTERM mid-burst answers every request it took, exits 0, and no post is lost or stored twice', async () => {
  const doomed = await stack.start('api-gateway');
  const apis = { doomed: stack.api(doomed), other: stack.api(gateway) };
  const keys = Array.from({ length: 40 }, () => randomUUID());
  const attempts = new Map<string, Array<{ via: keyof typeof apis; reply: Reply | 'no answer' }>>();
  let stopped: Promise<Exit> | undefined;
  await inLanes(
    keys,
    4,
    async (key, i) => {
      const tried: Array<{ via: keyof typeof apis; reply: Reply | 'no answer' }> = [];
      attempts.set(key, tried);
      // Half the posts go to the doomed gateway first; a client it no longer answers sends the same request to the other.
      let via: keyof typeof apis = i % 2 === 0 ? 'doomed' : 'other';
      while (tried.length < 10) {
        const reply = await apis[via].post(team.coach, team.spaceId, `post ${key}`, key).catch(() => 'no answer' as const);
        tried.push({ via, reply });
        if (reply !== 'no answer' && reply.status < 300) return;
        via = 'other';
      }
      throw new Error(`post ${key} never succeeded: ${JSON.stringify(tried.map((a) => (a.reply === 'no answer' ? a.reply : a.reply.status)))}`);
    },
    (done) => {
      if (!stopped && done >= 10) stopped = doomed.kill('SIGTERM');
    },
  );
  expect(await stopped).toEqual({ code: 0, signal: null });

  const all = [...attempts.values()].flat();
  expect(all.some((a) => a.via === 'doomed' && a.reply !== 'no answer')).toBe(true);
  // Every answer is a 201; a request the doomed gateway did not answer was never taken (its retry is not a replay).
  expect(all.filter((a) => a.reply !== 'no answer' && a.reply.status !== 201)).toEqual([]);
  const cutOff = [...attempts.entries()].filter(([, tried]) => tried.some((a) => a.reply === 'no answer') && tried.at(-1)!.reply !== 'no answer' && (tried.at(-1)!.reply as Reply).headers.get('idempotent-replayed') === 'true');
  expect(cutOff.map(([key]) => key)).toEqual([]);
  const stored = await stack.rows<{ body: string; n: string }>('SELECT body, count(*) AS n FROM posts WHERE tenant_id = $1 GROUP BY body', [team.coach.tenantId]);
  expect(stored.filter((p) => p.n !== '1')).toEqual([]);
  expect(stored.map((p) => p.body).sort()).toEqual(keys.map((key) => `post ${key}`).sort());
}, 120_000);

test('a notifications worker sent SIGTERM with deliveries in flight finishes them, leaves no job to recover, and exits 0', async () => {
  const api = stack.api(gateway);
  const queue = stack.queue('notifications');
  // Held deliveries keep jobs in flight until the signal has been taken.
  stack.smtp.hold();
  const first = await stack.start('notifications-worker');
  let signalled: Promise<{ inFlight: string[]; exit: Promise<Exit> }> | undefined;
  await inLanes(
    Array.from({ length: 20 }, (_, i) => i),
    3,
    async (i) => {
      expect((await api.post(team.coach, team.spaceId, `held ${i}`)).status).toBe(201);
    },
    (done) => {
      if (signalled || done < 8) return;
      signalled = (async () => {
        await eventually(() => stack.smtp.holding() > 0, 'deliveries in flight');
        const inFlight = (await queue.getJobs(['active'])).map((job) => job.id!);
        const exit = first.kill('SIGTERM');
        await shuttingDown(first);
        stack.smtp.release();
        return { inFlight, exit };
      })();
    },
  );
  const { inFlight, exit } = await signalled!;
  expect(inFlight.length).toBeGreaterThan(0);
  expect(await exit).toEqual({ code: 0, signal: null });
  // What it had taken, it finished; nothing is left active for another worker to recover.
  expect(await Promise.all(inFlight.map(async (id) => (await queue.getJob(id))?.finishedOn !== undefined))).toEqual(inFlight.map(() => true));
  expect((await queue.getJobCounts('active')).active).toBe(0);

  await stack.start('notifications-worker');
  const counts = await stack.delivered(team.coach.tenantId, team.athletes);
  expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
}, 120_000);

test('a scheduler sent SIGTERM mid-burst exits 0, and the next one publishes what came after: every post once', async () => {
  const api = stack.api(gateway);
  const [first] = await stack.rows<{ n: string }>('SELECT count(*) AS n FROM posts WHERE tenant_id = $1', [team.coach.tenantId]);
  const before = Number(first?.n);
  let stopped: Promise<Exit> | undefined;
  let next: Promise<AppProcess> | undefined;
  await inLanes(
    Array.from({ length: 20 }, (_, i) => i),
    3,
    async (i) => {
      expect((await api.post(team.coach, team.spaceId, `relayed ${i}`)).status).toBe(201);
    },
    (done) => {
      if (stopped || done < 8) return;
      stopped = scheduler.kill('SIGTERM');
      next = stopped.then(() => stack.start('scheduler'));
    },
  );
  expect(await stopped).toEqual({ code: 0, signal: null });
  scheduler = (await next)!;
  const counts = await stack.delivered(team.coach.tenantId, team.athletes);
  expect(counts.inApp.expected).toHaveLength((before + 20) * 2);
  expect({ inApp: offending(counts.inApp), email: offending(counts.email), push: offending(counts.push) }).toEqual({ inApp: [], email: [], push: [] });
  await eventually(async () => (await stack.unpublished()) === 0, 'the outbox to be published');
}, 120_000);

test('a process sent SIGTERM while it is still starting finishes starting, then stops cleanly with 0', async () => {
  // Redis is down at first: the scheduler answers /health but its start waits for Redis.
  const redis = await startRedisProcess();
  await redis.stop();
  try {
    const starting = await stack.start('scheduler', { REDIS_URL: redis.url }, { wait: false });
    await eventually(async () => (await fetch(starting.url('/health')).catch(() => undefined))?.status === 200, 'the health endpoint');
    expect(starting.output()).not.toContain('"message":"scheduler started"');
    void starting.kill('SIGTERM');
    await Promise.race([
      shuttingDown(starting),
      starting.exited.then((exit) => {
        throw new Error(`ended by ${exit.signal ?? exit.code} before it could take the signal`);
      }),
    ]);
    await redis.start();
    expect(await starting.exited).toEqual({ code: 0, signal: null });
    expect(starting.output()).toContain('"message":"stopped"');
  } finally {
    await redis.stop();
  }
}, 60_000);

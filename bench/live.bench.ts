// `pnpm bench live`: latency from an athlete's `set:complete` to the watching
// coach's `set:completed` with 10,000 other idle sockets connected, spread over
// two realtime processes joined by the Redis adapter (the athlete on one, the
// coach on the other, so every sample crosses Redis), and memory per idle
// connection; for the realtime server and, in the same run and the same
// topology, for a bare Socket.io echo server (ack + rebroadcast to a room
// through the same adapter, no auth, no database).
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import { newId } from '@coachline/db/ids';
import { memberships, tenants, users } from '@coachline/db/schema/index';
import { realtimeTestKit } from '@coachline/realtime/testing/realtime-harness';

const IDLE = Number(process.env.BENCH_IDLE ?? 10_000);
const PROCESSES = 2;
const WARMUP = 100;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2_000);
/** Idle members per tenant: a platform's sockets belong to many organizations. */
const TENANT_SIZE = 1_000;

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

interface Result {
  p50: number;
  p99: number;
  mean: number;
  /** Bytes of JS heap plus external memory per idle connection. */
  heapPerConnection: number;
  rssPerConnection: number;
  /** Idle sockets opened per second, 250 handshakes at a time. */
  connectsPerSecond: number;
}

const kit = realtimeTestKit({ NODE_ENV: 'production', LOG_LEVEL: 'error' });

function startChild(mode: 'coachline' | 'echo'): Promise<{ child: ChildProcess; port: number }> {
  // BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of each server, to find where its time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = fork(join(__dirname, 'lib', 'live-server.ts'), [mode], {
    execArgv: [...process.execArgv, '--expose-gc', ...profile],
    env: {
      ...process.env,
      JWT_SECRET: kit.config.JWT_SECRET,
      LOG_LEVEL: 'error',
      // Only the measured athlete sends events, back to back; the per-socket limit is not what is measured.
      REALTIME_EVENTS_PER_SECOND: '10000',
      REALTIME_EVENT_BURST: '100000',
    },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve({ child, port: message.port! });
    });
  });
}

function memoryOf(child: ChildProcess): Promise<Memory> {
  return new Promise((resolve) => {
    const listener = (message: { type: string; memory?: Memory }) => {
      if (message.type !== 'memory') return;
      child.off('message', listener);
      resolve(message.memory!);
    };
    child.on('message', listener);
    child.send('memory');
  });
}

function open(url: string, token: string): Promise<Socket> {
  const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const ack = (socket: Socket, event: string, payload: unknown) => new Promise<{ ok: boolean }>((resolve) => socket.emit(event, payload, resolve));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

/** Members to hold the idle sockets, written straight into Postgres: the realtime server admits members only. */
async function idleMembers(count: number): Promise<Array<{ tenantId: string; userId: string }>> {
  const members: Array<{ tenantId: string; userId: string }> = [];
  for (let first = 0; first < count; first += TENANT_SIZE) {
    const tenantId = newId();
    const ids = Array.from({ length: Math.min(TENANT_SIZE, count - first) }, () => newId());
    await kit.db.withTenant({ tenantId }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: `Idle ${first / TENANT_SIZE}` });
      await tx.insert(users).values(ids.map((id) => ({ id, email: `${id}@idle.bench`, name: 'Idle', passwordHash: 'unused' })));
      await tx.insert(memberships).values(ids.map((userId) => ({ tenantId, id: newId(), userId, role: 'ATHLETE' as const })));
    });
    members.push(...ids.map((userId) => ({ tenantId, userId })));
  }
  return members;
}

async function measure(mode: 'coachline' | 'echo', team: Awaited<ReturnType<typeof kit.tenantWithTeam>>, workoutId: string, idle: Array<{ tenantId: string; userId: string }>): Promise<Result> {
  const children = await Promise.all(Array.from({ length: PROCESSES }, () => startChild(mode)));
  const urls = children.map(({ port }) => `http://127.0.0.1:${port}`);
  const sockets: Socket[] = [];
  try {
    await settle();
    const before = await Promise.all(children.map(({ child }) => memoryOf(child)));
    const connecting = performance.now();
    for (let i = 0; i < idle.length; i += 250) {
      const batch = idle.slice(i, i + 250).map((member, j) => open(urls[(i + j) % PROCESSES]!, kit.tokens.sign({ ...member, role: 'ATHLETE' })));
      sockets.push(...(await Promise.all(batch)));
    }
    const connectsPerSecond = idle.length / ((performance.now() - connecting) / 1000);
    await settle();
    const after = await Promise.all(children.map(({ child }) => memoryOf(child)));

    // The coach on the first process, the athlete on the second: each set travels through the adapter.
    const coach = await open(urls[0]!, team.coach.token);
    const athlete = await open(urls[PROCESSES - 1]!, team.athlete.token);
    sockets.push(coach, athlete);
    if (!(await ack(coach, 'workout:join', { workoutId })).ok) throw new Error('coach could not join');

    const latencies: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const received = new Promise<void>((resolve) => coach.once('set:completed', () => resolve()));
      const started = performance.now();
      athlete.emit('set:complete', { workoutId, exerciseId: team.exerciseId, reps: 1 + (i % 12), weightKg: 20 + (i % 80) }, () => undefined);
      await received;
      if (i >= WARMUP) latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const delta = (field: keyof Memory) => after.reduce((sum, m, i) => sum + m[field] - before[i]![field], 0);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      mean: latencies.reduce((s, v) => s + v, 0) / latencies.length,
      heapPerConnection: (delta('heapUsed') + delta('external')) / idle.length,
      rssPerConnection: delta('rss') / idle.length,
      connectsPerSecond,
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const { child } of children) {
      child.removeAllListeners('exit');
      child.kill(process.env.BENCH_PROFILE_DIR ? 'SIGINT' : 'SIGKILL');
    }
  }
}

async function main() {
  const team = await kit.tenantWithTeam();
  const workoutId = await kit.startWorkout(team.athlete);
  const idle = await idleMembers(IDLE);
  const echo = await measure('echo', team, workoutId, idle);
  const coachline = await measure('coachline', team, workoutId, idle);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  console.log(`\nlive: ${SAMPLES} sequential set:complete -> coach set:completed across ${PROCESSES} processes joined by the Redis adapter, ${IDLE} other idle sockets connected\n`);
  console.table({
    'bare socket.io echo': { p50: ms(echo.p50), p99: ms(echo.p99), mean: ms(echo.mean), 'heap+ext/conn': kb(echo.heapPerConnection), 'rss/conn': kb(echo.rssPerConnection), 'connects/s': Math.round(echo.connectsPerSecond) },
    'coachline realtime': { p50: ms(coachline.p50), p99: ms(coachline.p99), mean: ms(coachline.mean), 'heap+ext/conn': kb(coachline.heapPerConnection), 'rss/conn': kb(coachline.rssPerConnection), 'connects/s': Math.round(coachline.connectsPerSecond) },
    'ratio (coachline / echo)': {
      p50: ratio(coachline.p50, echo.p50),
      p99: ratio(coachline.p99, echo.p99),
      mean: ratio(coachline.mean, echo.mean),
      'heap+ext/conn': ratio(coachline.heapPerConnection, echo.heapPerConnection),
      'rss/conn': ratio(coachline.rssPerConnection, echo.rssPerConnection),
      'connects/s': ratio(coachline.connectsPerSecond, echo.connectsPerSecond),
    },
  });
  // RSS moves in allocator-sized steps and swings between runs; heap + external is the steadier figure.
  const perConnection = Math.max(coachline.heapPerConnection, coachline.rssPerConnection);
  const p99Ratio = coachline.p99 / echo.p99;
  console.log(
    `targets: p99 < 30 ms (${coachline.p99 < 30 ? 'met' : 'MISSED'}), p99 <= 3x the echo's (${p99Ratio.toFixed(2)}x, ${p99Ratio <= 3 ? 'met' : 'MISSED'}), <= 50 KB per idle connection (${perConnection <= 50 * 1024 ? 'met' : 'MISSED'}, worse of heap+ext and RSS: ${kb(perConnection)})`,
  );
  console.log(JSON.stringify({ bench: 'live', idle: IDLE, samples: SAMPLES, echo, coachline }));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => kit.close());

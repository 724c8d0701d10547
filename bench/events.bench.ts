/**
 * `pnpm bench events`: sustained events per second through outbox -> relay ->
 * notifications worker, and commit-to-notification latency (the event's
 * transaction committed -> its in-app row committed and `notification:new`
 * emitted), with a check that no event is lost or doubled.
 *
 * Baseline, same run: bare BullMQ (addBulk of no-op jobs -> a worker with the
 * same concurrency) shows what the queue alone sustains on this machine.
 * Email and push are switched off by the recipients' preferences, so the
 * figure is the event pipeline, not an SMTP server. The writers (the API's
 * transactions, through withTenant) run in a child process, as the gateway is
 * its own process in production; the relay and the worker run in this one
 * (with their own pools), all on the machine's 2 cores together with Postgres
 * and Redis. Commit and notification times are epoch-based, so they compare
 * across the two processes.
 *
 * Before the saturated run, a backlog is written while the relay is stopped,
 * then drained: outbox -> relay -> worker alone, without the writers competing
 * for the same 2 cores, which is the backbone's own capacity. Writing the
 * backlog measures the writers alone. CPU per event, per process group (from
 * /proc), says where the cores went in each phase; the writers' CPU plus the
 * baseline's bounds what writers and one BullMQ job per event can sustain
 * together on these cores, whatever the relay and the worker do.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { count, eq } from 'drizzle-orm';
import { createDatabase } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { memberships, notificationPreferences, notifications, spaceMembers, spaces, tenants, users } from '@coachline/db/schema/index';
import { createMailer } from '@coachline/runtime/mailer';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { createPushSender, vapidKeys } from '@coachline/notifications-worker/channels/web-push';
import { createNotificationsWorker } from '@coachline/notifications-worker/notifications-worker';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';
import { createSecretBox } from '@coachline/runtime/secret-box';
import { createOutboxRelay } from '@coachline/scheduler/relay/outbox-relay';
import type { Written, WriteRequest } from './lib/event-writers';
import { cpuBetween, cpuSnapshot, type CpuSnapshot } from './lib/process-cpu';

const SATURATED_EVENTS = Number(process.env.BENCH_EVENTS ?? 8_000);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 8_000);
// A steady rate well below saturation, and one where the writers and the pipeline keep the 2 cores busy.
const PACED_RATES = (process.env.BENCH_PACED_RATES ?? '100,250').split(',').map(Number);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 10);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const WORKER_POOL = 16;
const TENANTS = 16;

const logger = createLogger('bench', 'error');
// The relay and the worker are separate services: separate pools. `db` sets up and checks.
const db = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 4 });
const relayDb = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 2 });
const workerDb = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: WORKER_POOL });
const connections = [createRedis(process.env.REDIS_URL!), createRedis(process.env.REDIS_URL!)];
const [relayRedis, workerRedis] = connections as [ReturnType<typeof createRedis>, ReturnType<typeof createRedis>];

const readCommandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const now = () => performance.timeOrigin + performance.now();
const ms = (n: number) => `${n.toFixed(1)} ms`;

let writersPid: number | undefined;
// Other projects' Postgres and Redis may share the machine: only this run's servers count, the
// Postgres listening on DATABASE_URL's port (its postmaster and the backends it forked) and the Redis on REDIS_URL's.
const pgPort = new URL(process.env.DATABASE_URL!).port;
const redisPort = new URL(process.env.REDIS_URL!).port;
const ourPostmaster = new RegExp(`(^|/)postgres .* -p ${pgPort}(\\s|$)`);
const ourRedis = new RegExp(`redis-server .*:${redisPort}(\\s|$)`);
const isOurPostmaster = (commandLine: string) => ourPostmaster.test(commandLine);
const postmasters = new Set<number>();
/** This process runs the relay and the worker (in the baseline, BullMQ's queue and worker); the writers are a child. */
function groupOf(pid: number, commandLine: string, ppid: number): string | undefined {
  if (pid === process.pid) return 'this process';
  if (pid === writersPid) return 'writers';
  if (isOurPostmaster(commandLine)) {
    postmasters.add(pid);
    return 'postgres';
  }
  if (commandLine.startsWith('postgres:') && (postmasters.has(ppid) || isOurPostmaster(readCommandLine(ppid)))) {
    postmasters.add(ppid);
    return 'postgres';
  }
  return ourRedis.test(commandLine) ? 'redis' : undefined;
}

/** Prints the CPU milliseconds per event of each process group since `before`, and returns their sum (undefined without /proc). */
function reportCpu(before: CpuSnapshot, events: number): number | undefined {
  const used = cpuBetween(before, cpuSnapshot(groupOf));
  if (used.size === 0) return undefined;
  const total = [...used.values()].reduce((a, b) => a + b, 0) / events;
  console.log(`  CPU per event: ${[...used].map(([group, ms]) => `${group} ${(ms / events).toFixed(2)}`).join(', ')}; all ${total.toFixed(2)} ms`);
  return total;
}

async function baseline(total: number): Promise<{ rate: number; cpuMs: number | undefined }> {
  const prefix = `{bench-base-${randomUUID().slice(0, 6)}}`;
  const queue = new Queue('notifications', { connection: relayRedis, prefix });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker(
    'notifications',
    async () => {
      if (++done === total) finish();
    },
    { connection: workerRedis, prefix, concurrency: CONCURRENCY, removeOnComplete: { count: 1000 } },
  );
  const start = performance.now();
  const cpuBefore = cpuSnapshot(groupOf);
  for (let i = 0; i < total; i += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, total - i) }, (_, j) => ({ name: 'event', data: { n: i + j }, opts: { jobId: `b${i + j}`, removeOnComplete: { count: 1000 } } })));
  }
  await finished;
  const seconds = (performance.now() - start) / 1000;
  console.log(`baseline: bare BullMQ add -> no-op worker (concurrency ${CONCURRENCY}): ${(total / seconds).toFixed(0)} jobs/s`);
  const cpuMs = reportCpu(cpuBefore, total);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { rate: total / seconds, cpuMs };
}

async function fixture() {
  const tenantId = newId();
  const [author, reader] = [newId(), newId()];
  const spaceId = newId();
  await db.withTenant({ tenantId }, async (tx) => {
    await tx.insert(tenants).values({ id: tenantId, name: 'Bench gym' });
    for (const [id, name] of [
      [author, 'Author'],
      [reader, 'Reader'],
    ] as const) {
      await tx.insert(users).values({ id, email: `${id}@bench.test`, name, passwordHash: 'x' });
      await tx.insert(memberships).values({ tenantId, id: newId(), userId: id, role: 'ATHLETE' });
    }
    await tx.insert(spaces).values({ tenantId, id: spaceId, name: 'Bench space', createdBy: author });
    for (const userId of [author, reader]) await tx.insert(spaceMembers).values({ tenantId, id: newId(), spaceId, userId });
    await tx.insert(notificationPreferences).values({ tenantId, id: newId(), userId: reader, channels: { email: { 'post.created': false }, push: { 'post.created': false } } });
  });
  return { tenantId, author, reader, spaceId };
}

function startWriters(): Promise<ChildProcess> {
  const child = fork(join(__dirname, 'lib', 'event-writers.ts'), [], { execArgv: process.execArgv, env: process.env });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`writers exited with ${code}`)));
    child.once('message', () => resolve(child));
  });
}

function write(writers: ChildProcess, request: WriteRequest): Promise<Written> {
  return new Promise((resolve) => {
    writers.once('message', (message: Written) => resolve(message));
    writers.send(request);
  });
}

async function main() {
  const { rate: base, cpuMs: bullmqCpuMs } = await baseline(SATURATED_EVENTS);

  const prefix = `{bench-${randomUUID().slice(0, 6)}}`;
  // Posts spread over several tenants, as on a platform: one space's rows are not every writer's hot spot.
  const fixtures = await Promise.all(Array.from({ length: TENANTS }, () => fixture()));
  const notifiedAt = new Map<string, number>();
  let notified = 0;
  let onNotified: (() => void) | undefined;
  const relay = createOutboxRelay({ db: relayDb, redis: relayRedis, prefix, listenUrl: process.env.DATABASE_SYSTEM_URL ?? process.env.DATABASE_URL!, logger, registry: createMetricsRegistry('bench'), pollIntervalMs: 1_000 });
  const worker = createNotificationsWorker({
    // Posts only: nothing sealed is opened, any key does.
    secrets: createSecretBox(new Map([['bench', randomBytes(32)]])),
    db: workerDb,
    redis: workerRedis,
    prefix,
    logger,
    concurrency: CONCURRENCY,
    appUrl: 'https://bench.test',
    mailer: createMailer({ mailDir: '/tmp/coachline-bench-mail', from: 'bench@bench.test', timeoutMs: 5_000, logger }),
    push: createPushSender({
      vapid: vapidKeys({ subject: 'mailto:bench@bench.test' }, logger),
      outbound: createOutboundHttp({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 64 * 1024 }),
      timeoutMs: 5_000,
      logger,
    }),
    live: {
      notify(_tenantId, _userId, notification) {
        notifiedAt.set(notification.data.postId as string, now());
        notified++;
        onNotified?.();
      },
      workoutStarted: () => undefined,
    },
  });
  const writers = await startWriters();
  writersPid = writers.pid;

  const waitFor = (target: number, deadlineMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${notified} of ${target} notifications after ${deadlineMs} ms`)), deadlineMs);
      onNotified = () => {
        if (notified >= target) {
          clearTimeout(timer);
          resolve();
        }
      };
      onNotified();
    });
  const latencies = (written: Written) =>
    written.commits.map(([postId, at]) => notifiedAt.get(postId)! - at).sort((a, b) => a - b);

  // Warm-up: connections, prepared plans, JIT.
  await write(writers, { type: 'saturated', fixtures, from: 0, count: 200, writers: WRITERS });
  void relay.drain();
  await waitFor(200, 30_000);

  // Drain: the relay is not started yet, so the backlog waits in the outbox.
  const backlogBefore = notified;
  const cpuBeforeBacklog = cpuSnapshot(groupOf);
  const backlog = await write(writers, { type: 'saturated', fixtures, from: 200, count: BACKLOG, writers: WRITERS });
  const writersAlone = BACKLOG / backlog.seconds;
  console.log(`writers alone: ${writersAlone.toFixed(0)} posts/s (each its own transaction with its outbox row; relay stopped, worker idle)`);
  const writersCpuMs = reportCpu(cpuBeforeBacklog, BACKLOG);
  // What the writers and one BullMQ job per event cost together, before the relay or the worker does anything.
  let ceiling: number;
  if (writersCpuMs !== undefined && bullmqCpuMs !== undefined) {
    const cores = availableParallelism();
    ceiling = (cores * 1000) / (writersCpuMs + bullmqCpuMs);
    console.log(`  ceiling: writers + one BullMQ job = ${(writersCpuMs + bullmqCpuMs).toFixed(2)} ms CPU per event, at most ${ceiling.toFixed(0)} events/s on ${cores} cores`);
  } else {
    ceiling = 1 / (1 / writersAlone + 1 / base);
    console.log(`  ceiling for writers plus one BullMQ job per event on these cores: ${ceiling.toFixed(0)} events/s`);
  }
  const drainStart = performance.now();
  const cpuBeforeDrain = cpuSnapshot(groupOf);
  void relay.drain();
  await waitFor(backlogBefore + BACKLOG, 90_000);
  const drained = BACKLOG / ((performance.now() - drainStart) / 1000);
  console.log(`drain: a backlog of ${BACKLOG} events published and processed at ${drained.toFixed(0)} events/s (relay and worker alone): ${(drained / base).toFixed(2)}x bare BullMQ's jobs/s (target >= 0.6x)`);
  reportCpu(cpuBeforeDrain, BACKLOG);
  relay.start();

  // Saturated: writers commit as fast as they can; throughput is first commit -> last notification.
  const before = notified;
  const start = performance.now();
  const cpuBefore = cpuSnapshot(groupOf);
  const burst = await write(writers, { type: 'saturated', fixtures, from: 200 + BACKLOG, count: SATURATED_EVENTS, writers: WRITERS });
  await waitFor(before + SATURATED_EVENTS, 90_000);
  const seconds = (performance.now() - start) / 1000;
  const throughput = SATURATED_EVENTS / seconds;
  const saturated = latencies(burst);
  console.log(`saturated: ${SATURATED_EVENTS} events, written at ${(SATURATED_EVENTS / burst.seconds).toFixed(0)}/s by ${WRITERS} writers, delivered at ${throughput.toFixed(0)} events/s (${(throughput / base).toFixed(2)}x baseline)`);
  console.log(`  end to end against the ceiling: ${(throughput / ceiling).toFixed(2)}x (target >= 0.8x)`);
  console.log(`  commit -> notification under saturation: p50 ${ms(pct(saturated, 50))}, p99 ${ms(pct(saturated, 99))}`);
  reportCpu(cpuBefore, SATURATED_EVENTS);

  // Paced: steady offered rates below saturation.
  let written = 200 + BACKLOG + SATURATED_EVENTS;
  for (const rate of PACED_RATES) {
    const pacedTotal = rate * PACED_SECONDS;
    const pacedBefore = notified;
    const cpuBeforePaced = cpuSnapshot(groupOf);
    const steady = await write(writers, { type: 'paced', fixtures, from: written, count: pacedTotal, rate });
    await waitFor(pacedBefore + pacedTotal, 60_000);
    written += pacedTotal;
    const paced = latencies(steady);
    console.log(`paced at ${rate} events/s for ${PACED_SECONDS} s: commit -> notification p50 ${ms(pct(paced, 50))}, p99 ${ms(pct(paced, 99))}${rate === 250 ? ` (target p99 < 100 ms: ${pct(paced, 99) < 100 ? 'met' : 'MISSED'})` : ''}`);
    reportCpu(cpuBeforePaced, pacedTotal);
  }

  // No loss, no doubles: one row per post for its space's reader, none for authors.
  const expected = written;
  let readerRows = 0;
  let authorRows = 0;
  for (const f of fixtures) {
    const rows = await db.withTenant({ tenantId: f.tenantId }, (tx) =>
      tx.select({ userId: notifications.userId, n: count() }).from(notifications).where(eq(notifications.tenantId, f.tenantId)).groupBy(notifications.userId),
    );
    for (const r of rows) {
      if (r.userId === f.reader) readerRows += r.n;
      else authorRows += r.n;
    }
  }
  const ok = readerRows === expected && authorRows === 0 && notified === expected;
  console.log(`loss check: ${readerRows} notifications for ${expected} events (${ok ? 'none lost, none doubled' : 'MISMATCH'})`);

  writers.send({ type: 'close' });
  await relay.close();
  await worker.close();
  await new Queue('notifications', { connection: relayRedis, prefix }).obliterate({ force: true });
  for (const c of connections) c.disconnect();
  await Promise.all([db.close(), relayDb.close(), workerDb.close()]);
  if (!ok) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { QueueName } from '@coachline/domain/queues';
import { testEnv } from '@coachline/api-gateway/testing/test-env';
import { startPushService, startSmtpPeer } from '@coachline/notifications-worker/testing/delivery-peers';
import { eventually } from '@coachline/testing/eventually';
import { apiClient, type ApiUser } from './api-client';
import { startApp, type AppName, type AppProcess } from './app-process';
import { createScratchDatabase } from './scratch-database';

export interface ProcessStackOptions {
  /** The Postgres server the stack's database is made on (its superuser's URL); the run's own by default. */
  ownerUrl?: string;
  /** The run's Redis by default; the stack's queues have a prefix of their own either way. */
  redisUrl?: string;
  /** Settings for every app of the stack, over the defaults below. */
  env?: Record<string, string>;
}

/** Where one channel stands for a burst: deliveries per `postId:userId`. */
export interface ChannelCounts {
  expected: string[];
  counts: Map<string, number>;
}

/** The keys delivered other than exactly once: missing, doubled, or not expected at all. */
export function offending({ expected, counts }: ChannelCounts): string[] {
  const wanted = new Set(expected);
  return [...expected.filter((key) => counts.get(key) !== 1).map((key) => `${key} x${counts.get(key) ?? 0}`), ...[...counts.keys()].filter((key) => !wanted.has(key)).map((key) => `${key} unexpected`)];
}

/** Runs `work` for each item, `lanes` at a time, in order within a lane; `after(done)` sees the count finished so far. */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>, after?: (done: number) => void | Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
        done++;
        await after?.(done);
      }
    }),
  );
}

/**
 * The apps as real processes over a database of the stack's own, with an SMTP
 * peer and a push service for the workers to deliver to. Every setting that
 * decides how fast a fault heals is short, so the tests wait seconds, not
 * minutes. The counts read the database with the system role (it sees every
 * tenant, as the relay does).
 */
export async function startProcessStack(options: ProcessStackOptions = {}) {
  const database = await createScratchDatabase(options.ownerUrl);
  const prefix = `{faults-${randomBytes(4).toString('hex')}}`;
  const smtp = await startSmtpPeer();
  const push = await startPushService();
  // The media worker's scratch files: a worker killed mid-job leaves its own behind.
  const mediaTmp = mkdtempSync(path.join(tmpdir(), 'coachline-media-'));
  const env = testEnv({
    ...database.urls,
    REDIS_URL: options.redisUrl ?? process.env.REDIS_URL,
    QUEUE_PREFIX: prefix,
    NODE_ENV: 'test',
    // The apps' "started" lines tell when they have started.
    LOG_LEVEL: 'info',
    DATABASE_POOL_SIZE: '5',
    SMTP_URL: smtp.url,
    // Local receivers stand in for push services.
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    // Every notification is emailed: the counts expect one email per post and recipient.
    NOTIFICATION_EMAILS_PER_RECIPIENT: '10000',
    NOTIFICATION_EMAILS_PER_TENANT_PER_HOUR: '1000000',
    // A dead worker's jobs run elsewhere within seconds; long enough that a worker slowed down by a
    // busy machine still renews its locks in time (a lapse would run a job twice or fail it as stalled).
    QUEUE_LOCK_DURATION_MS: '10000',
    QUEUE_STALLED_INTERVAL_MS: '1000',
    OUTBOX_POLL_INTERVAL_MS: '500',
    SCHEDULER_REPAIR_INTERVAL_MS: '1000',
    MEDIA_TMP_DIR: mediaTmp,
    ...options.env,
  });
  const system = new pg.Pool({ connectionString: database.urls.DATABASE_SYSTEM_URL, max: 2 });
  system.on('error', () => undefined);
  const apps = new Set<AppProcess>();
  const queues = new Map<QueueName, Queue>();
  let redis: Redis | undefined;

  async function start(name: AppName, extra: Record<string, string> = {}, options: { wait?: boolean } = {}): Promise<AppProcess> {
    const app = await startApp(name, { ...env, ...extra }, options);
    apps.add(app);
    return app;
  }

  const rows = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await system.query<R>(text, values)).rows;

  /** Every post of the tenant, each member of its space but the author: who should hear of it. */
  async function expectedRecipients(tenantId: string): Promise<Array<{ postId: string; userId: string }>> {
    return rows(
      `SELECT p.id AS "postId", m.user_id AS "userId" FROM posts p
       JOIN space_members m ON m.tenant_id = p.tenant_id AND m.space_id = p.space_id
       WHERE p.tenant_id = $1 AND m.user_id <> p.author_id`,
      [tenantId],
    );
  }

  /** In-app notifications, emails at the SMTP peer and pushes at the push service, per post and recipient. */
  async function postDeliveries(tenantId: string, pushed: readonly ApiUser[] = []): Promise<{ inApp: ChannelCounts; email: ChannelCounts; push: ChannelCounts }> {
    const recipients = await expectedRecipients(tenantId);
    const expected = recipients.map((r) => `${r.postId}:${r.userId}`);
    const withDevice = new Set(pushed.map((u) => u.id));
    const count = (keys: string[]) => keys.reduce((map, key) => map.set(key, (map.get(key) ?? 0) + 1), new Map<string, number>());

    const inApp = await rows<{ key: string }>(`SELECT (data->>'postId') || ':' || user_id AS key FROM notifications WHERE tenant_id = $1 AND type = 'post.created'`, [tenantId]);
    // The worker's Message-ID is <eventId.userId@coachline>; the outbox says which post an event is about.
    const events = new Map(
      (await rows<{ id: string; postId: string }>(`SELECT id, payload->>'postId' AS "postId" FROM outbox_events WHERE tenant_id = $1 AND type = 'post.created'`, [tenantId])).map((e) => [e.id, e.postId]),
    );
    const emails = smtp.received.flatMap((mail) => {
      const match = /^<([0-9a-f-]{36})\.([0-9a-f-]{36})@coachline>$/.exec(mail.messageId ?? '');
      const postId = match && events.get(match[1]!);
      return postId ? [`${postId}:${match[2]}`] : [];
    });
    const pushes = push.received.flatMap((request) => {
      const userId = /^\/push\/([0-9a-f-]{36})$/.exec(request.path)?.[1];
      if (!userId || !pushed.some((u) => u.id === userId)) return [];
      const data = push.payload(request).data as { postId?: string } | undefined;
      return data?.postId ? [`${data.postId}:${userId}`] : [];
    });
    return {
      inApp: { expected, counts: count(inApp.map((r) => r.key)) },
      email: { expected, counts: count(emails) },
      push: { expected: recipients.filter((r) => withDevice.has(r.userId)).map((r) => `${r.postId}:${r.userId}`), counts: count(pushes) },
    };
  }

  /** The stack's queue, to look at its jobs. */
  function queue(name: QueueName): Queue {
    if (!redis) {
      redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
      redis.on('error', () => undefined);
    }
    let found = queues.get(name);
    if (!found) {
      found = new Queue(name, { connection: redis, prefix });
      // Redis may be down on purpose; the calls that need it fail on their own.
      found.on('error', () => undefined);
      queues.set(name, found);
    }
    return found;
  }

  /** Outbox events not yet published. */
  async function unpublished(): Promise<number> {
    const [row] = await rows<{ n: string }>('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL');
    return Number(row?.n ?? 0);
  }

  return {
    prefix,
    env,
    urls: database.urls,
    smtp,
    push,
    system,
    rows,
    start,
    /** The stack's processes of that app that still run. */
    running: (name: AppName) => [...apps].filter((app) => app.name === name && app.child.exitCode === null && app.child.signalCode === null),
    api: (gateway: AppProcess) => apiClient(gateway.url('')),
    /** A Web Push subscription for the user at the stack's push service (written directly: the API refuses loopback endpoints outside `pnpm dev`). */
    async addDevice(user: ApiUser) {
      const subscription = push.subscription(`/push/${user.id}`);
      await system.query(`INSERT INTO device_tokens (tenant_id, id, user_id, platform, address, subscription) VALUES ($1, $2, $3, 'web', $4, $5)`, [
        user.tenantId,
        randomUUID(),
        user.id,
        subscription.endpoint,
        subscription,
      ]);
    },
    postDeliveries,
    /**
     * Waits until every post of the tenant reached each recipient on every
     * channel at least once, then gives the counts (a second delivery shows
     * as a count of 2; the caller judges).
     */
    async delivered(tenantId: string, pushed: readonly ApiUser[] = [], deadlineMs = 60_000) {
      let last: Awaited<ReturnType<typeof postDeliveries>> | undefined;
      try {
        return await eventually(
          async () => {
            last = await postDeliveries(tenantId, pushed);
            const all = Object.values(last).every(({ expected, counts: got }) => expected.every((key) => (got.get(key) ?? 0) >= 1));
            return all ? last : undefined;
          },
          'every post delivered on every channel',
          deadlineMs,
        );
      } catch (error) {
        // What was missing, and where the jobs stand, say more than a timeout.
        const missing = last && Object.fromEntries(Object.entries(last).map(([channel, c]) => [channel, c.expected.filter((key) => !c.counts.has(key)).length]));
        const notifications = queue('notifications');
        const jobs = await notifications.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed').catch(() => undefined);
        const failed = (await notifications.getFailed(0, 3).catch(() => [])).map((job) => job.failedReason);
        throw new Error(`${(error as Error).message}; missing ${JSON.stringify(missing)}; unpublished ${await unpublished().catch(() => '?')}; jobs ${JSON.stringify(jobs)}; failed ${JSON.stringify(failed)}`);
      }
    },
    queue,
    unpublished,
    async close() {
      try {
        await Promise.all([...apps].map((app) => app.kill()));
        for (const queue of queues.values()) await queue.close();
        redis?.disconnect();
        await smtp.close();
        await push.close();
        await system.end();
        await database.drop();
      } finally {
        rmSync(mediaTmp, { recursive: true, force: true });
      }
    },
  };
}

export type ProcessStack = Awaited<ReturnType<typeof startProcessStack>>;

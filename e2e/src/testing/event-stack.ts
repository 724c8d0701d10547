import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { startGateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { createDatabase } from '@coachline/db/database';
import { notifications, outboxEvents } from '@coachline/db/schema/index';
import { createMailer } from '@coachline/runtime/mailer';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { createPushSender, vapidKeys } from '@coachline/notifications-worker/channels/web-push';
import { createNotificationsWorker, type NotificationsWorker } from '@coachline/notifications-worker/notifications-worker';
import { startSmtpPeer } from '@coachline/notifications-worker/testing/delivery-peers';
import { createWebhooksWorker, type WebhooksWorker, type WebhooksWorkerDeps } from '@coachline/notifications-worker/webhooks/webhooks-worker';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis, type Redis } from '@coachline/runtime/redis';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import { createOutboxRelay, type OutboxRelay } from '@coachline/scheduler/relay/outbox-relay';
import { RollupService } from '@coachline/scheduler/analytics/rollup.service';
import { TriageDetector } from '@coachline/scheduler/analytics/triage-detector';
import { DEFAULT_TRIAGE_THRESHOLDS } from '@coachline/domain/triage';
import { analyticsHandlers } from '@coachline/scheduler/handlers/analytics.handlers';
import { generationHandlers } from '@coachline/scheduler/handlers/generation.handlers';
import { ProgramGenerationService } from '@coachline/scheduler/generation/program-generation.service';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { consumeQueue } from '@coachline/runtime/queue-consumer';
import { Queue, type Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import { eventually } from '@coachline/testing/eventually';

/**
 * The gateway, outbox relays and notifications workers over real Postgres,
 * Redis and an SMTP peer. Relays see only this stack's tenants and workers use
 * a queue prefix of their own, so test files run in parallel.
 */
export async function startEventStack(options: { redisUrl?: string; gateway?: Record<string, string> } = {}) {
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL!;
  const gw = await startGateway({ REDIS_URL: redisUrl, ...options.gateway });
  const db = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 10 });
  const prefix = `{e2e-${randomUUID().slice(0, 8)}}`;
  const logger = createLogger('e2e', 'silent');
  const smtp = await startSmtpPeer();
  const tenants: string[] = [];
  const relays: OutboxRelay[] = [];
  const workers: (NotificationsWorker | WebhooksWorker)[] = [];
  const consumers: Worker[] = [];
  const connections: Redis[] = [];
  const mailer = createMailer({ smtpUrl: smtp.url, mailDir: '', from: 'Coachline <no-reply@coachline.test>', timeoutMs: 5_000, logger });
  // Local receivers stand in for push services, as in development.
  const outbound = createOutboundHttp({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 64 * 1024 });
  const push = createPushSender({ vapid: vapidKeys({ subject: 'mailto:e2e@coachline.test' }, logger), outbound, timeoutMs: 5_000, logger });

  const connection = () => {
    const redis = createRedis(redisUrl);
    connections.push(redis);
    return redis;
  };

  return {
    gw,
    db,
    prefix,
    smtp,
    logger,
    connection,
    /** A relay scoped to this stack's tenants; `start()` it for LISTEN and a fast poll, or call `drain()`. */
    relay() {
      const relay = createOutboxRelay({
        db,
        redis: connection(),
        prefix,
        listenUrl: process.env.DATABASE_SYSTEM_URL ?? process.env.DATABASE_URL!,
        logger,
        registry: createMetricsRegistry('e2e'),
        pollIntervalMs: 200,
        publishTimeoutMs: 3_000,
        scope: () => tenants,
      });
      relays.push(relay);
      return relay;
    },
    worker() {
      const worker = createNotificationsWorker({ db, redis: connection(), prefix, logger, mailer, push, appUrl: 'https://app.coachline.test', secrets: secretBoxFromSetting(gw.deps.config.ENCRYPTION_KEYS), concurrency: 16 });
      workers.push(worker);
      return worker;
    },
    /** The scheduler's analytics consumer: the daily rollups, the triage items they bring, and the invalidation of the gateway's analytics cache. */
    analytics() {
      const redis = connection();
      const worker = consumeQueue('analytics', analyticsHandlers({ rollups: new RollupService(db, redis, logger, new TriageDetector(DEFAULT_TRIAGE_THRESHOLDS)) }), { connection: connection(), prefix, logger, concurrency: 8 });
      consumers.push(worker);
      return worker;
    },
    /** Until every event of the tenant is published and the analytics consumer has handled it. */
    async analyticsSettled(tenantId: string): Promise<void> {
      const queue = new Queue('analytics', { connection: connection(), prefix });
      try {
        await eventually(async () => {
          const pending = await db.withTenant({ tenantId }, (tx) => tx.execute(sql`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = ${tenantId} AND published_at IS NULL`));
          if ((pending.rows[0] as { n: number }).n > 0) return false;
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          return Object.values(counts).every((n) => n === 0);
        }, 'the analytics consumer to be idle');
      } finally {
        await queue.close();
      }
    },
    /** The scheduler's generation consumer: programs from the rules, progress to the requester's sockets through Redis. */
    generation(options: { concurrency?: number } = {}) {
      const service = new ProgramGenerationService(db, createLiveEmitter(connection(), () => undefined), logger);
      const worker = consumeQueue('generation', generationHandlers({ generation: service }), { connection: connection(), prefix, logger, concurrency: options.concurrency ?? 4 });
      consumers.push(worker);
      return worker;
    },
    /** The webhooks consumer on this stack's queues, with retry thresholds short enough for tests unless given. */
    webhooksWorker(overrides: Partial<WebhooksWorkerDeps> = {}) {
      const worker = createWebhooksWorker({
        db,
        redis: connection(),
        prefix,
        logger,
        outbound,
        secrets: secretBoxFromSetting(gw.deps.config.ENCRYPTION_KEYS),
        policy: { firstRetryMs: 150, maxRetryDelayMs: 400, retryWindowMs: 4_000, disableAfterMs: 2_500 },
        timeoutMs: 5_000,
        maxInFlightPerEndpoint: 2,
        concurrency: 4,
        sweepIntervalMs: 1_000,
        ...overrides,
      });
      workers.push(worker);
      return worker;
    },
    async team() {
      const team = await gw.tenantWithTeam();
      tenants.push(team.admin.tenantId);
      return team;
    },
    async space(owner: TestUser, members: TestUser[]): Promise<string> {
      const res = await gw.http().post('/v1/spaces').set(gw.auth(owner)).send({ name: 'Crew' });
      if (res.status !== 201) throw new Error(`space: ${res.status}`);
      for (const m of members) {
        const added = await gw.http().post(`/v1/spaces/${res.body.id}/members`).set(gw.auth(owner)).send({ userId: m.id });
        if (added.status !== 201) throw new Error(`member: ${added.status}`);
      }
      return res.body.id;
    },
    /** (source, user) -> how many in-app rows, for one tenant's notifications of a type. */
    async notificationCounts(tenantId: string, type = 'post.created') {
      const rows = await db.withTenant({ tenantId }, (tx) =>
        tx
          .select({ sourceId: notifications.sourceId, userId: notifications.userId, n: count() })
          .from(notifications)
          .where(and(eq(notifications.tenantId, tenantId), eq(notifications.type, type)))
          .groupBy(notifications.sourceId, notifications.userId),
      );
      return rows;
    },
    /** Every value under this stack's queue prefix, whatever the key's type: where job data would show a secret. */
    async redisText(): Promise<string> {
      const redis = connection();
      const keys = await redis.keys(`${prefix}*`);
      const parts: string[] = [];
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
        else if (type === 'zset') parts.push(...(await redis.zrange(key, '0', '-1')));
        else if (type === 'set') parts.push(...(await redis.smembers(key)));
        else if (type === 'string') parts.push((await redis.get(key)) ?? '');
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
      return parts.join('\n');
    },
    async unpublished(tenantId: string) {
      const rows = await db.withTenant({ tenantId }, (tx) => tx.select({ publishedAt: outboxEvents.publishedAt }).from(outboxEvents).where(eq(outboxEvents.tenantId, tenantId)));
      return rows.filter((r) => r.publishedAt === null).length;
    },
    async close() {
      // Side by side: after a Redis outage each may wait out a reconnect before it closes, and in turn those waits add up past a hook's timeout.
      const closing = [...workers, ...consumers, ...relays].map((closable) => closable.close().catch(() => undefined));
      await Promise.all(closing);
      for (const c of connections) c.disconnect();
      mailer.close();
      await smtp.close();
      await db.close();
      await gw.close();
    },
  };
}

export type EventStack = Awaited<ReturnType<typeof startEventStack>>;

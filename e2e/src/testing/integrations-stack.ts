import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { createDatabase } from '@coachline/db/database';
import { createNotificationsWorker } from '@coachline/notifications-worker/notifications-worker';
import { createMailer } from '@coachline/runtime/mailer';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { createRedis, type Redis } from '@coachline/runtime/redis';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import { createStorage } from '@coachline/runtime/storage';
import { createPushSender, vapidKeys } from '@coachline/notifications-worker/channels/web-push';
import { startSmtpPeer } from '@coachline/notifications-worker/testing/delivery-peers';
import { createOutboxRelay } from '@coachline/scheduler/relay/outbox-relay';
import { createScheduler } from '@coachline/scheduler/scheduler';
import { testConfig } from '@coachline/scheduler/testing/fixtures';

/** The Strava stand-in `pnpm test` started, and its controls. */
export function stravaStandIn() {
  const base = process.env.COACHLINE_STRAVA_STAND_IN_URL;
  if (!base) throw new Error('No Strava stand-in: run the tests with pnpm test');
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${base}/_stand-in/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`stand-in ${path}: ${res.status}`);
    return (await res.json()) as Record<string, any>;
  };
  return {
    base,
    control,
    requests: async (route: string) => ((await control('stats')).requests[route] as number | undefined) ?? 0,
  };
}

/**
 * The gateway (listening, for the stand-in's pushes), an outbox relay scoped
 * to this stack's tenants, the scheduler with its integrations consumer, and
 * the notifications worker, on a queue prefix of their own. Provider calls may
 * reach loopback, where the stand-in listens.
 */
export async function startIntegrationsStack(overrides: Record<string, string> = {}) {
  const prefix = `{int-${randomUUID().slice(0, 8)}}`;
  const settings = { QUEUE_PREFIX: prefix, PROVIDER_ALLOW_LOOPBACK: 'true', PROVIDER_BREAKER_RESET_MS: '4000', CORS_ORIGINS: 'https://app.coachline.test', ...overrides };
  const gw = await startGateway(settings);
  const server: Server = createServer(gw.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 8 });
  const logger = createLogger('e2e', process.env.LOG_LEVEL ?? 'silent');
  const redis: Redis[] = [createRedis(process.env.REDIS_URL!), createRedis(process.env.REDIS_URL!), createRedis(process.env.REDIS_URL!)];
  const tenants: string[] = [];
  const config = testConfig({ ...settings, SCHEDULER_REPAIR_INTERVAL_MS: '3600000' });
  const storage = createStorage(config);
  const scheduler = createScheduler({ config, db, redis: redis[0]!, logger, storage });
  await scheduler.start();
  const relay = createOutboxRelay({
    db,
    redis: redis[1]!,
    prefix,
    listenUrl: process.env.DATABASE_SYSTEM_URL ?? process.env.DATABASE_URL!,
    logger,
    registry: createMetricsRegistry('e2e'),
    pollIntervalMs: 200,
    publishTimeoutMs: 3_000,
    scope: () => tenants,
  });
  relay.start();
  const smtp = await startSmtpPeer();
  const mailer = createMailer({ smtpUrl: smtp.url, mailDir: '', from: 'Coachline <no-reply@coachline.test>', timeoutMs: 5_000, logger });
  const push = createPushSender({ vapid: vapidKeys({ subject: 'mailto:e2e@coachline.test' }, logger), outbound: createOutboundHttp({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 1024 }), timeoutMs: 5_000, logger });
  const notifications = createNotificationsWorker({ db, redis: redis[2]!, prefix, logger, mailer, push, appUrl: 'https://app.coachline.test', secrets: secretBoxFromSetting(gw.deps.config.ENCRYPTION_KEYS) });

  return {
    gw,
    db,
    gatewayUrl,
    scheduler,
    async team(): Promise<{ admin: TestUser; coach: TestUser; athlete: TestUser; athlete2: TestUser }> {
      const team = await gw.tenantWithTeam();
      tenants.push(team.admin.tenantId);
      return team;
    },
    async close() {
      await notifications.close().catch(() => undefined);
      await relay.close().catch(() => undefined);
      await scheduler.close().catch(() => undefined);
      storage.close();
      mailer.close();
      await smtp.close();
      for (const r of redis) r.disconnect();
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await gw.close();
    },
  };
}

export type IntegrationsStack = Awaited<ReturnType<typeof startIntegrationsStack>>;

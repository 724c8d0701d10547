import { randomUUID } from 'node:crypto';
import { createDatabase, type Tx } from '@coachline/db/database';
import { memberships, posts, spaceMembers, spaces, tenants, users } from '@coachline/db/schema/index';
import { createLogger } from '@coachline/runtime/logger';
import { createRedis } from '@coachline/runtime/redis';
import webpush from 'web-push';
import { createMailer } from '@coachline/runtime/mailer';
import { createPushSender } from '../channels/web-push';
import { createNotificationProcessor } from '../notification.processor';
import { createLiveDelivery } from '../channels/live';
import { startPushService, startSmtpPeer } from './delivery-peers';
import { loadAppConfig } from '../config';

export interface Member {
  id: string;
  email: string;
  name: string;
}

/** Real Postgres, Redis, SMTP peer and push endpoint for the notifications worker's tests. */
export async function notificationsFixture() {
  const config = loadAppConfig({ LOG_LEVEL: 'silent' });
  const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 5 });
  const redis = createRedis(config.REDIS_URL);
  const logger = createLogger('notifications-test', 'silent');
  const smtp = await startSmtpPeer();
  const pushService = await startPushService();
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:test@coachline.local' };
  const mailer = createMailer({ smtpUrl: smtp.url, mailDir: '', from: 'Coachline <no-reply@coachline.test>', timeoutMs: 5_000, logger });
  const push = createPushSender({ vapid, timeoutMs: 5_000, logger });
  const deps = { db, redis, logger, mailer, push, live: createLiveDelivery(redis), appUrl: 'https://app.coachline.test' };
  const processor = createNotificationProcessor(deps);

  async function tenant(memberCount: number) {
    const tenantId = randomUUID();
    const people: Member[] = Array.from({ length: memberCount }, (_, i) => ({ id: randomUUID(), email: `m${i}-${randomUUID()}@example.com`, name: `Member ${i}` }));
    await db.withTenant({ tenantId }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: 'Iron Temple' });
      for (const p of people) {
        await tx.insert(users).values({ id: p.id, email: p.email, name: p.name, passwordHash: 'x' });
        await tx.insert(memberships).values({ tenantId, id: randomUUID(), userId: p.id, role: 'ATHLETE' });
      }
    });
    return { tenantId, people };
  }

  async function spaceWithPost(tenantId: string, memberIds: string[], authorId: string) {
    const spaceId = randomUUID();
    const postId = randomUUID();
    await db.withTenant({ tenantId }, async (tx: Tx) => {
      await tx.insert(spaces).values({ tenantId, id: spaceId, name: 'Morning crew', createdBy: authorId });
      for (const userId of memberIds) await tx.insert(spaceMembers).values({ tenantId, id: randomUUID(), spaceId, userId });
      await tx.insert(posts).values({ tenantId, id: postId, spaceId, authorId, body: 'New PR on deadlift today!' });
    });
    return { spaceId, postId };
  }

  return {
    db,
    redis,
    logger,
    smtp,
    pushService,
    mailer,
    push,
    deps,
    processor,
    tenant,
    spaceWithPost,
    async close() {
      mailer.close();
      await smtp.close();
      await pushService.close();
      await redis.quit().catch(() => undefined);
      await db.close();
    },
  };
}

export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { randomUUID } from 'node:crypto';
import { createDatabase, type Tx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { exercises, memberships, posts, spaceMembers, spaces, tenants, users } from '@coachline/db/schema/index';
import type { EventEnvelope } from '@coachline/domain/events';
import type { JobOf, TaskName } from '@coachline/domain/queues';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { createMailer } from '@coachline/runtime/mailer';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { createDispatcher } from '@coachline/runtime/queue-consumer';
import { createRedis } from '@coachline/runtime/redis';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import webpush from 'web-push';
import { createLiveDelivery } from '../channels/live';
import { createPushSender } from '../channels/web-push';
import { configSchema } from '../config';
import { notificationsHandlers } from '../handlers/notifications.handlers';
import type { ProcessorDeps } from '../notification.processor';
import { startPushService, startSmtpPeer } from './delivery-peers';

export interface Member {
  id: string;
  email: string;
  name: string;
}

/** Jobs and events through the notifications queue's handler table, as the worker runs them, without Redis. */
export function notificationsDispatch(deps: ProcessorDeps) {
  const dispatch = createDispatcher('notifications', notificationsHandlers(deps));
  return {
    event: (envelope: EventEnvelope) => dispatch('event', envelope),
    job: <N extends TaskName<'notifications'>>(name: N, data: JobOf<'notifications', N>) => dispatch(name, data),
  };
}

/** Real Postgres, Redis, SMTP peer and push endpoint for the notifications worker's tests. */
export async function notificationsFixture() {
  // Local http receivers stand in for push services here, as in development.
  const config = loadConfig(configSchema, { LOG_LEVEL: 'silent', OUTBOUND_ALLOW_LOOPBACK: 'true' });
  const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 5 });
  const redis = createRedis(config.REDIS_URL);
  const logger = createLogger('notifications-test', 'silent');
  const smtp = await startSmtpPeer();
  const pushService = await startPushService();
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:test@coachline.local' };
  const mailer = createMailer({ smtpUrl: smtp.url, mailDir: '', from: 'Coachline <no-reply@coachline.test>', timeoutMs: 5_000, logger });
  const outbound = createOutboundHttp({ allowLoopback: config.OUTBOUND_ALLOW_LOOPBACK, timeoutMs: 5_000, maxResponseBytes: 64 * 1024 });
  const push = createPushSender({ vapid, outbound, timeoutMs: 5_000, logger });
  const live = createLiveDelivery(createLiveEmitter(redis, () => undefined));
  const deps: ProcessorDeps = { db, redis, logger, mailer, push, live, appUrl: 'https://app.coachline.test', secrets: secretBoxFromSetting(config.ENCRYPTION_KEYS) };
  const processor = notificationsDispatch(deps);

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

  /** A tenant with a coach, athletes and one exercise: what a week of training needs. */
  async function coachingTeam(athleteCount: number) {
    const tenantId = newId();
    const person = (role: string): Member => ({ id: newId(), email: `${role}-${randomUUID()}@example.com`, name: `${role} ${randomUUID().slice(0, 4)}` });
    const coach = person('coach');
    const athletes = Array.from({ length: athleteCount }, () => person('athlete'));
    const exerciseId = newId();
    await db.withTenant({ tenantId }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: `Studio ${randomUUID().slice(0, 6)}` });
      await tx.insert(users).values([coach, ...athletes].map((p) => ({ ...p, passwordHash: 'unused' })));
      await tx.insert(memberships).values([
        { tenantId, id: newId(), userId: coach.id, role: 'COACH' as const },
        ...athletes.map((a) => ({ tenantId, id: newId(), userId: a.id, role: 'ATHLETE' as const })),
      ]);
      await tx.insert(exercises).values({ tenantId, id: exerciseId, name: 'Back Squat', category: 'legs', primaryMuscle: 'quadriceps' });
    });
    return { tenantId, coach, athletes, exerciseId };
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
    vapid,
    mailer,
    push,
    deps,
    processor,
    tenant,
    coachingTeam,
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

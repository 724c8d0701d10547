import type { Redis } from 'ioredis';
import type { Database, Tx } from '@coachline/db/database';
import { processOnce } from '@coachline/db/processed-events';
import { tenants } from '@coachline/db/schema/index';
import { eq } from 'drizzle-orm';
import type { PreferenceChannels } from '@coachline/domain/api/notifications';
import { parseEventPayload, type EventEnvelope } from '@coachline/domain/events';
import type { JobOf } from '@coachline/domain/queues';
import type { Logger } from '@coachline/runtime/logger';
import type { LiveDelivery } from './channels/live';
import type { Mailer } from '@coachline/runtime/mailer';
import { PushRejectedError, type PushSender, type PushSubscription } from './channels/web-push';
import { renderEmail } from './email-templates';
import { planForEvent, planForReminder, reminderSourceId, type NotificationPlan } from './notification-plans';
import * as repo from './notification.repository';
import { isOnline } from '@coachline/runtime/presence';

/** The consumer name recorded in processed_events; the relay's reconciler expects the queue's name. */
export const CONSUMER = 'notifications';

export interface ProcessorDeps {
  db: Database;
  redis: Redis;
  mailer: Mailer;
  push: PushSender;
  live: LiveDelivery;
  logger: Logger;
  appUrl: string;
}

export class DeliveryFailedError extends Error {}

/**
 * Turns one event into in-app rows (with the processed_events record, in one
 * transaction), live `notification:new`, emails and web pushes. Each email and
 * push is its own processOnce unit, so a retry after a failed SMTP send repeats
 * only what did not happen.
 */
export function createNotificationProcessor(deps: ProcessorDeps) {
  const { db } = deps;
  const link = (path: string) => new URL(path, deps.appUrl).toString();
  const messageId = (sourceId: string, userId: string) => `<${sourceId.replace(/[^A-Za-z0-9.-]/g, '.')}.${userId}@coachline>`;

  async function notify(tenantId: string, key: string, plan: (tx: Tx) => Promise<NotificationPlan | undefined>) {
    const prepared = await db.withTenant(tenantId, async (tx) => {
      const p = await plan(tx);
      if (!p) {
        await processOnce(tx, tenantId, key, CONSUMER, async () => undefined);
        return undefined;
      }
      let people = await repo.audienceOf(tx, tenantId, p.recipients);
      if (p.onlyIfOffline) {
        const online = await Promise.all(people.map((person) => isOnline(deps.redis, tenantId, person.userId)));
        people = people.filter((_, i) => !online[i]);
      }
      const wants = (person: repo.Audience, channel: keyof PreferenceChannels) => person.preferences[channel][p.type];
      const outcome = await processOnce(tx, tenantId, key, CONSUMER, () =>
        repo.insertNotifications(
          tx,
          tenantId,
          people.filter((person) => wants(person, 'inApp')).map((person) => ({ userId: person.userId, type: p.type, title: p.title, body: p.body, data: p.data, sourceId: p.sourceId })),
        ),
      );
      const devices = people.filter((person) => wants(person, 'push')).flatMap((person) => person.webDevices.map((d) => ({ ...d, userId: person.userId })));
      return { plan: p, created: outcome.done ? outcome.value : [], emailTo: people.filter((person) => wants(person, 'email')), devices };
    });
    if (!prepared) return;
    const { plan: p, created, emailTo, devices } = prepared;
    for (const row of created) deps.live.notify(tenantId, row.userId, { id: row.id, type: row.type, title: row.title, body: row.body, data: row.data });

    const failures: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message}`);
      }
    };
    await Promise.all([
      ...emailTo.map((person) =>
        attempt(`email to ${person.userId}`, () =>
          db.withTenant(tenantId, (tx) =>
            processOnce(tx, tenantId, key, `${CONSUMER}.email:${person.userId}`, () =>
              deps.mailer.send(
                renderEmail({
                  to: person.email,
                  subject: p.title,
                  greeting: `Hi ${person.name},`,
                  paragraphs: [p.body],
                  action: { label: 'Open in Coachline', url: link(p.path) },
                  messageId: messageId(p.sourceId, person.userId),
                }),
              ),
            ),
          ),
        ),
      ),
      ...[...groupBy(devices, (d) => d.userId)].map(([userId, list]) =>
        attempt(`push to ${userId}`, () =>
          db.withTenant(tenantId, (tx) =>
            processOnce(tx, tenantId, key, `${CONSUMER}.push:${userId}`, async () => {
              for (const device of list) {
                try {
                  const result = await deps.push.send(device.subscription as unknown as PushSubscription, { type: p.type, title: p.title, body: p.body, data: p.data, url: link(p.path) });
                  if (result === 'gone') await repo.deleteDevice(tx, tenantId, device.id);
                } catch (error) {
                  // A subscription the push service refuses (4xx) will not work on retry; others may.
                  if (!(error instanceof PushRejectedError && error.status >= 400 && error.status < 500 && error.status !== 429)) throw error;
                  deps.logger.warn('push subscription refused', { deviceId: device.id, status: error.status });
                }
              }
            }),
          ),
        ),
      ),
    ]);
    if (failures.length) throw new DeliveryFailedError(`${failures.length} deliveries failed: ${failures.join('; ')}`);
  }

  async function transactionalEmail(tenantId: string, eventId: string, build: (tx: Tx) => Promise<Parameters<typeof renderEmail>[0]>) {
    // The send happens inside the transaction that records it: if it fails, nothing is recorded and the job retries.
    await db.withTenant(tenantId, (tx) => processOnce(tx, tenantId, eventId, CONSUMER, async () => deps.mailer.send(renderEmail(await build(tx)))));
  }

  async function organizationName(tx: Tx, tenantId: string) {
    const [tenant] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId));
    return tenant?.name ?? 'your organization';
  }

  return {
    async event(envelope: EventEnvelope): Promise<void> {
      const { tenantId } = envelope;
      switch (envelope.type) {
        case 'user.signed_up': {
          const p = parseEventPayload('user.signed_up', envelope.payload);
          return transactionalEmail(tenantId, envelope.id, async (tx) => ({
            to: p.email,
            subject: 'Welcome to Coachline',
            greeting: `Hi ${p.name},`,
            paragraphs: [`Your account with ${await organizationName(tx, tenantId)} is ready. Log in any time to see your training, sessions and messages.`],
            action: { label: 'Open Coachline', url: link('/') },
            messageId: messageId(envelope.id, p.userId),
          }));
        }
        case 'invitation.created': {
          const p = parseEventPayload('invitation.created', envelope.payload);
          return transactionalEmail(tenantId, envelope.id, async (tx) => {
            const [inviter] = await repo.membersAmong(tx, tenantId, [p.invitedBy]);
            const url = new URL('/invitations/accept', deps.appUrl);
            url.searchParams.set('token', p.token);
            return {
              to: p.email,
              subject: `You are invited to ${await organizationName(tx, tenantId)} on Coachline`,
              greeting: 'Hello,',
              paragraphs: [
                `${inviter?.name ?? 'Someone'} invited you to join ${await organizationName(tx, tenantId)} on Coachline as ${p.role.toLowerCase()}.`,
                `The invitation is valid until ${p.expiresAt}.`,
              ],
              action: { label: 'Accept the invitation', url: url.toString() },
              messageId: messageId(envelope.id, p.invitationId),
            };
          });
        }
        default:
          return notify(tenantId, envelope.id, (tx) => planForEvent(tx, envelope));
      }
    },
    async reminder(job: JobOf<'notifications', 'session.reminder'>): Promise<void> {
      return notify(job.tenantId, reminderSourceId(job), (tx) => planForReminder(tx, job));
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

export type NotificationProcessor = ReturnType<typeof createNotificationProcessor>;

import type { Redis } from 'ioredis';
import type { Database, Tx } from '@coachline/db/database';
import { processOnce, recordProcessed } from '@coachline/db/processed-events';
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
import { planForEvent, planForEvents, planForReminder, reminderSourceId, type NotificationPlan } from './notification-plans';
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
  /** Events of one tenant prepared in one transaction, at most this many (default 50). */
  batchSize?: number;
  /** Batch transactions at once; events wait and gather into batches while all are busy (default 4). */
  batchesInFlight?: number;
}

interface Prepared {
  plan: NotificationPlan;
  created: { id: string; userId: string; type: string; title: string; body: string; data: Record<string, unknown> }[];
  people: repo.Audience[];
}

interface Waiting {
  envelope: EventEnvelope;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class DeliveryFailedError extends Error {}

/**
 * Turns one event into in-app rows (with the processed_events record, in one
 * transaction), live `notification:new`, emails and web pushes. Each email and
 * push is its own processOnce unit, so a retry after a failed SMTP send repeats
 * only what did not happen. Events that arrive while every batch slot is busy
 * wait and are prepared together, per tenant, in one transaction: at load, the
 * cost of a transaction and its round trips is shared by many events.
 */
export function createNotificationProcessor(deps: ProcessorDeps) {
  const { db } = deps;
  const link = (path: string) => new URL(path, deps.appUrl).toString();
  const messageId = (sourceId: string, userId: string) => `<${sourceId.replace(/[^A-Za-z0-9.-]/g, '.')}.${userId}@coachline>`;

  const wants = (person: repo.Audience, p: NotificationPlan, channel: keyof PreferenceChannels) => person.preferences[channel][p.type];

  /** The plan's recipients who are current members (and, where the plan asks, offline). */
  async function reachable(tenantId: string, p: NotificationPlan, audience: ReadonlyMap<string, repo.Audience>): Promise<repo.Audience[]> {
    let people = p.recipients.flatMap((id) => audience.get(id) ?? []);
    if (p.onlyIfOffline) {
      const online = await Promise.all(people.map((person) => isOnline(deps.redis, tenantId, person.userId)));
      people = people.filter((_, i) => !online[i]);
    }
    return people;
  }

  const inAppRows = (p: NotificationPlan, people: readonly repo.Audience[]): repo.NewNotification[] =>
    people.filter((person) => wants(person, p, 'inApp')).map((person) => ({ userId: person.userId, type: p.type, title: p.title, body: p.body, data: p.data, sourceId: p.sourceId }));

  const byUser = (people: readonly repo.Audience[]) => new Map(people.map((person) => [person.userId, person]));

  /** One cause in its own transaction: reminders, and events whose batch failed. */
  async function notify(tenantId: string, key: string, plan: (tx: Tx) => Promise<NotificationPlan | undefined>) {
    const prepared = await db.withTenant({ tenantId }, async (tx): Promise<Prepared | undefined> => {
      const p = await plan(tx);
      if (!p) {
        await processOnce(tx, tenantId, key, CONSUMER, async () => undefined);
        return undefined;
      }
      const people = await reachable(tenantId, p, byUser(await repo.audienceOf(tx, tenantId, p.recipients)));
      const outcome = await processOnce(tx, tenantId, key, CONSUMER, () => repo.insertNotifications(tx, tenantId, inAppRows(p, people)));
      return { plan: p, created: outcome.done ? outcome.value : [], people };
    });
    if (prepared) await deliver(tenantId, key, prepared);
  }

  /**
   * Several events of one tenant in one transaction, with one statement per
   * step for all of them: plans, processed_events, audience, in-app rows.
   * Returns what each event still has to deliver after the commit.
   */
  async function prepareBatch(tenantId: string, envelopes: readonly EventEnvelope[]): Promise<(Prepared | undefined)[]> {
    return db.withTenant({ tenantId }, async (tx) => {
      const plans = await planForEvents(tx, tenantId, envelopes);
      const fresh = await recordProcessed(
        tx,
        tenantId,
        envelopes.map((e) => e.id),
        CONSUMER,
      );
      const audience = byUser(await repo.audienceOf(tx, tenantId, plans.flatMap((p) => p?.recipients ?? [])));
      const people = await Promise.all(plans.map((p) => (p ? reachable(tenantId, p, audience) : [])));
      const created = await repo.insertNotificationRows(
        tx,
        tenantId,
        plans.flatMap((p, i) => (p && fresh.has(envelopes[i]!.id) ? inAppRows(p, people[i]!) : [])),
      );
      const createdBySource = groupBy(created, (row) => row.sourceId);
      return plans.map((p, i) => (p ? { plan: p, created: createdBySource.get(p.sourceId) ?? [], people: people[i]! } : undefined));
    });
  }

  /** After the commit: live notifications, then each email and push as its own processOnce unit. */
  async function deliver(tenantId: string, key: string, { plan: p, created, people }: Prepared) {
    for (const row of created) deps.live.notify(tenantId, row.userId, { id: row.id, type: row.type, title: row.title, body: row.body, data: row.data });
    const emailTo = people.filter((person) => wants(person, p, 'email'));
    const devices = people.filter((person) => wants(person, p, 'push')).flatMap((person) => person.webDevices.map((d) => ({ ...d, userId: person.userId })));
    if (emailTo.length === 0 && devices.length === 0) return;

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
          db.withTenant({ tenantId }, (tx) =>
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
          db.withTenant({ tenantId }, (tx) =>
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

  const batchSize = deps.batchSize ?? 50;
  const batchesInFlight = deps.batchesInFlight ?? 4;
  /** Per tenant, in arrival order; the Map's order makes the tenants take turns. */
  const waiting = new Map<string, Waiting[]>();
  let inFlight = 0;

  function enqueue(envelope: EventEnvelope): Promise<void> {
    return new Promise((resolve, reject) => {
      const list = waiting.get(envelope.tenantId) ?? [];
      list.push({ envelope, resolve, reject });
      waiting.set(envelope.tenantId, list);
      pump();
    });
  }

  function pump() {
    while (inFlight < batchesInFlight && waiting.size > 0) {
      const [tenantId, list] = waiting.entries().next().value as [string, Waiting[]];
      const batch = list.splice(0, batchSize);
      // What is left of a long queue goes behind the other tenants.
      waiting.delete(tenantId);
      if (list.length > 0) waiting.set(tenantId, list);
      inFlight++;
      void runBatch(tenantId, batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  /**
   * Prepares the batch in one transaction; if that fails, each event runs in
   * its own, so one bad event fails only its own job. Deliveries run after the
   * commit, outside the batch's slot.
   */
  async function runBatch(tenantId: string, batch: Waiting[]): Promise<void> {
    const settle = (item: Waiting, work: Promise<void>) => work.then(item.resolve, item.reject);
    const one = (item: Waiting) => settle(item, notify(tenantId, item.envelope.id, (tx) => planForEvent(tx, item.envelope)));
    if (new Set(batch.map((item) => item.envelope.id)).size < batch.length) {
      await Promise.all(batch.map(one));
      return;
    }
    let prepared: (Prepared | undefined)[];
    try {
      prepared = await prepareBatch(
        tenantId,
        batch.map((item) => item.envelope),
      );
    } catch (error) {
      deps.logger.warn('notification batch failed, processing its events one by one', { tenantId, events: batch.length, error: (error as Error).message });
      await Promise.all(batch.map(one));
      return;
    }
    batch.forEach((item, i) => {
      const ready = prepared[i];
      void settle(item, ready ? deliver(tenantId, item.envelope.id, ready) : Promise.resolve());
    });
  }

  async function transactionalEmail(tenantId: string, eventId: string, build: (tx: Tx) => Promise<Parameters<typeof renderEmail>[0]>) {
    // The send happens inside the transaction that records it: if it fails, nothing is recorded and the job retries.
    await db.withTenant({ tenantId }, (tx) => processOnce(tx, tenantId, eventId, CONSUMER, async () => deps.mailer.send(renderEmail(await build(tx)))));
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
          return enqueue(envelope);
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

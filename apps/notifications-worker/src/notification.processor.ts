import type { Redis } from 'ioredis';
import type { Database, TenantTx } from '@coachline/db/database';
import { processOnce } from '@coachline/db/processed-events';
import type { TenantScope } from '@coachline/domain/actor';
import type { PreferenceChannels } from '@coachline/domain/api/notifications';
import { scopeOf, type EventOf, type EventType } from '@coachline/domain/events';
import type { Logger } from '@coachline/runtime/logger';
import type { Mailer } from '@coachline/runtime/mailer';
import type { SecretBox } from '@coachline/runtime/secret-box';
import { isOnline } from '@coachline/runtime/presence';
import type { LiveDelivery } from './channels/live';
import type { PushSender, PushSubscription } from './channels/web-push';
import { createDeliveryOnce } from './delivery-once';
import { createEmailBudget, type EmailLimits } from './email-budget';
import { renderEmail, type EmailContent } from './email-templates';
import type { EventPlanner, NotificationPlan } from './notification-plan';
import * as repo from './notification.repository';

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
  /** Caps on notification email; without them every email goes out (tests of other behaviour). */
  emailLimits?: EmailLimits;
  /** Opens secrets stored sealed (an invitation's token), which events and jobs never carry. */
  secrets: SecretBox;
  /** Events of one tenant prepared in one transaction, at most this many (default 50). */
  batchSize?: number;
  /** Batch transactions at once; events wait and gather into batches while all are busy (default 4). */
  batchesInFlight?: number;
  /** How long a dead run's claim on an email or push holds back another run of it (default 30 s); see createDeliveryOnce. */
  claimMs?: number;
}

interface Prepared {
  plan: NotificationPlan;
  created: { id: string; userId: string; type: string; title: string; body: string; data: Record<string, unknown> }[];
  people: repo.Audience[];
}

/** The engine holds events of every type at once, each with the planner of its type (paired in `notify`). */
type AnyEvent = EventOf<EventType>;
type AnyPlanner = EventPlanner<EventType>;

interface Waiting {
  event: AnyEvent;
  planner: AnyPlanner;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class DeliveryFailedError extends Error {}

/** One event's plan, alone: a `many` planner gets a batch of one. */
async function planOne(tx: TenantTx, event: AnyEvent, planner: AnyPlanner): Promise<NotificationPlan | undefined> {
  return 'one' in planner ? planner.one(tx, event) : (await planner.many(tx, [event]))[0];
}

/** The plans of a batch, in its order: one call per `many` planner, then the others one by one. */
async function planAll(tx: TenantTx, items: readonly Pick<Waiting, 'event' | 'planner'>[]): Promise<(NotificationPlan | undefined)[]> {
  const plans = new Array<NotificationPlan | undefined>(items.length);
  const groups = new Map<AnyPlanner, number[]>();
  items.forEach(({ planner }, i) => {
    if ('many' in planner) groups.set(planner, [...(groups.get(planner) ?? []), i]);
  });
  for (const [planner, indexes] of groups) {
    if (!('many' in planner)) continue;
    const planned = await planner.many(tx, indexes.map((i) => items[i]!.event));
    indexes.forEach((index, k) => (plans[index] = planned[k]));
  }
  for (const [i, { event, planner }] of items.entries()) if ('one' in planner) plans[i] = await planner.one(tx, event);
  return plans;
}

/**
 * Turns a plan into in-app rows (with the processed_events record, in one
 * transaction), live `notification:new`, emails and web pushes. Each email and
 * push is its own once-only unit, sent with no transaction open, so a retry
 * after a failed SMTP send repeats only what did not happen and a slow
 * destination never holds a database connection. Events that arrive while
 * every batch slot is busy wait and are prepared together, per tenant, in one
 * transaction: at load, the cost of a transaction and its round trips is
 * shared by many events.
 */
export function createNotificationProcessor(deps: ProcessorDeps) {
  const { db } = deps;
  const link = (path: string) => new URL(path, deps.appUrl).toString();
  const messageId = (sourceId: string, userId: string) => `<${sourceId.replace(/[^A-Za-z0-9.-]/g, '.')}.${userId}@coachline>`;

  const budget = deps.emailLimits ? createEmailBudget(deps.redis, deps.emailLimits) : undefined;
  const deliverOnce = createDeliveryOnce({ db, redis: deps.redis, claimMs: deps.claimMs ?? 30_000 });

  /** The notification's email, a digest in place of the rest of the recipient's window, or nothing. */
  async function emailFor(tenantId: string, person: repo.Audience, p: NotificationPlan): Promise<EmailContent | undefined> {
    const decision = budget ? await budget.take(tenantId, person.userId) : 'send';
    if (decision === 'skip') return undefined;
    if (decision === 'digest') {
      const minutes = Math.round(budget!.limits.windowSeconds / 60);
      return {
        to: person.email,
        subject: 'More new activity in Coachline',
        greeting: `Hi ${person.name},`,
        blocks: [`There is more going on than we email about one by one: the latest was "${p.title}". Further notifications of the next ${minutes} minutes wait for you in the app.`],
        action: { label: 'Open your notifications', url: link('/notifications') },
        messageId: messageId(`digest.${p.sourceId}`, person.userId),
      };
    }
    return {
      to: person.email,
      subject: p.title,
      greeting: `Hi ${person.name},`,
      blocks: [p.body],
      action: { label: 'Open in Coachline', url: link(p.path) },
      messageId: messageId(p.sourceId, person.userId),
    };
  }

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
  async function notifyOne(scope: TenantScope, key: string, plan: (tx: TenantTx) => Promise<NotificationPlan | undefined>) {
    const prepared = await db.withTenant(scope, async (tx): Promise<Prepared | undefined> => {
      const p = await plan(tx);
      if (!p) {
        await processOnce(tx, key, CONSUMER, async () => undefined);
        return undefined;
      }
      const people = await reachable(scope.tenantId, p, byUser(await repo.audienceOf(tx, p.recipients)));
      const outcome = await processOnce(tx, key, CONSUMER, () => repo.insertNotifications(tx, inAppRows(p, people)));
      return { plan: p, created: outcome.done ? outcome.value : [], people };
    });
    if (prepared) await deliver(scope, key, prepared);
  }

  /**
   * Several events of one tenant in one transaction, with one statement per
   * step for all of them: plans, audience, then processed_events and in-app
   * rows together.
   * Returns what each event still has to deliver after the commit.
   */
  async function prepareBatch(tenantId: string, batch: readonly Waiting[]): Promise<(Prepared | undefined)[]> {
    return db.withTenant({ tenantId }, async (tx) => {
      const plans = await planAll(tx, batch);
      const audience = byUser(await repo.audienceOf(tx, plans.flatMap((p) => p?.recipients ?? [])));
      const people = await Promise.all(plans.map(async (p) => (p ? reachable(tenantId, p, audience) : [])));
      const created = await repo.recordAndInsertNotifications(
        tx,
        batch.map((item) => item.event.id),
        CONSUMER,
        plans.flatMap((p, i) => (p ? inAppRows(p, people[i]!).map((row) => ({ ...row, eventId: batch[i]!.event.id })) : [])),
      );
      const createdBySource = groupBy(created, (row) => row.sourceId);
      return plans.map((p, i) => (p ? { plan: p, created: createdBySource.get(p.sourceId) ?? [], people: people[i]! } : undefined));
    });
  }

  /** After the commit: live notifications, then each email and push as its own once-only unit. */
  async function deliver(scope: TenantScope, key: string, { plan: p, created, people }: Prepared) {
    for (const row of created) deps.live.notify(scope.tenantId, row.userId, { id: row.id, type: row.type, title: row.title, body: row.body, data: row.data });
    const emailTo = p.noEmail ? [] : people.filter((person) => wants(person, p, 'email'));
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
          deliverOnce(scope, key, `${CONSUMER}.email:${person.userId}`, async () => {
            const email = await emailFor(scope.tenantId, person, p);
            if (email) await deps.mailer.send(renderEmail(email));
          }),
        ),
      ),
      // Each device alone: one bad subscription never fails the job or the user's other devices.
      ...devices.map((device) =>
        attempt(`push to device ${device.id}`, () =>
          deliverOnce(
            scope,
            key,
            `${CONSUMER}.push:${device.id}`,
            () => deps.push.send(device.subscription as unknown as PushSubscription, { type: p.type, title: p.title, body: p.body, data: p.data, url: link(p.path) }),
            async (tx, result) => {
              if (result === 'gone') await repo.deleteDevice(tx, device.id);
              // Deferred and failed pushes are recorded as handled: a retried job would only meet the same breaker or endpoint.
              if (result === 'deferred' || result === 'failed') deps.logger.warn('push not delivered', { deviceId: device.id, userId: device.userId, outcome: result });
            },
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
    const one = (item: Waiting) => settle(item, notifyOne(scopeOf(item.event), item.event.id, (tx) => planOne(tx, item.event, item.planner)));
    if (new Set(batch.map((item) => item.event.id)).size < batch.length) {
      await Promise.all(batch.map(one));
      return;
    }
    let prepared: (Prepared | undefined)[];
    try {
      prepared = await prepareBatch(tenantId, batch);
    } catch (error) {
      deps.logger.warn('notification batch failed, processing its events one by one', { tenantId, events: batch.length, error: (error as Error).message });
      await Promise.all(batch.map(one));
      return;
    }
    batch.forEach((item, i) => {
      const ready = prepared[i];
      void settle(item, ready ? deliver(scopeOf(item.event), item.event.id, ready) : Promise.resolve());
    });
  }

  return {
    link,
    messageId,
    notifyOne,
    /** Notifies about an event as its planner says, in a batch with the tenant's other waiting events. */
    notify<T extends EventType>(event: EventOf<T>, planner: EventPlanner<T>): Promise<void> {
      return new Promise((resolve, reject) => {
        const list = waiting.get(event.tenantId) ?? [];
        list.push({ event, planner, resolve, reject });
        waiting.set(event.tenantId, list);
        pump();
      });
    },
    /**
     * A transactional email (sign-up, invitation), built in a short transaction
     * and recorded once sent: if the send fails nothing is recorded and the job retries.
     */
    async emailOnce(scope: TenantScope, key: string, build: (tx: TenantTx) => Promise<EmailContent | undefined>): Promise<void> {
      await deliverOnce(scope, key, CONSUMER, async () => {
        // Nothing to send (the row it is about is gone): recorded as processed all the same.
        const content = await db.withTenant(scope, build);
        if (content) await deps.mailer.send(renderEmail(content));
      });
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

export type NotificationProcessor = ReturnType<typeof createNotificationProcessor>;

import type { TenantTx } from '@coachline/db/database';
import type { NotifyingType } from '@coachline/domain/api/notifications';
import type { EventOf, EventType } from '@coachline/domain/events';
import { membersAmong } from './notification.repository';

/** Who is told what about one cause (an event or a reminder). */
export interface NotificationPlan {
  type: NotifyingType;
  /** One notification per recipient per source: the idempotency key of the in-app row. */
  sourceId: string;
  recipients: string[];
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** Path in the app the notification opens. */
  path: string;
  /** message.created: only recipients without an open connection. */
  onlyIfOffline?: boolean;
  /** No email of its own: the type is emailed in a digest of its own (triage items: the coaches' weekly summary). */
  noEmail?: boolean;
}

/**
 * How an event becomes a plan (recipients and text), undefined when its
 * subject is gone. A type that is most of the traffic plans `many` events of a
 * batch with one query; the others plan `one` at a time.
 */
export type EventPlanner<T extends EventType> =
  | { one(tx: TenantTx, event: EventOf<T>): Promise<NotificationPlan | undefined> }
  | { many(tx: TenantTx, events: readonly EventOf<T>[]): Promise<(NotificationPlan | undefined)[]> };

export const excerpt = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The recipients, each once, never the actor. */
export const without = (ids: Iterable<string>, ...excluded: (string | undefined)[]) => [...new Set(ids)].filter((id) => !excluded.includes(id));

export const when = (start: Date | string) => new Date(start).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** A member's name for a plan's text; someone who left is "Someone". */
export async function nameOf(tx: TenantTx, userId: string): Promise<string> {
  const [person] = await membersAmong(tx, [userId]);
  return person?.name ?? 'Someone';
}

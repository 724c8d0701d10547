import type { Tx } from '@coachline/db/database';
import type { NotifyingType } from '@coachline/domain/api/notifications';
import { parseEventPayload, type EventEnvelope, type EventPayload, type EventType } from '@coachline/domain/events';
import type { JobOf } from '@coachline/domain/queues';
import * as repo from './notification.repository';

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
}

const excerpt = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const without = (ids: Iterable<string>, ...excluded: (string | undefined)[]) => [...new Set(ids)].filter((id) => !excluded.includes(id));

async function nameOf(tx: Tx, tenantId: string, userId: string): Promise<string> {
  const [person] = await repo.membersAmong(tx, tenantId, [userId]);
  return person?.name ?? 'Someone';
}

const when = (start: Date | string) => new Date(start).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function postPlan(e: EventEnvelope, p: EventPayload<'post.created'>, post: repo.PostContext | undefined): NotificationPlan | undefined {
  if (!post) return undefined;
  return {
    type: 'post.created',
    sourceId: e.id,
    recipients: without(post.member_ids ?? [], p.authorId),
    title: `New post in ${post.space_name}`,
    body: `${post.author_name ?? 'Someone'}: ${excerpt(post.body)}`,
    data: { postId: p.postId, spaceId: p.spaceId, authorId: p.authorId },
    path: `/spaces/${p.spaceId}/posts/${p.postId}`,
  };
}

type Planner = (tx: Tx, envelope: EventEnvelope) => Promise<NotificationPlan | undefined>;

/** Recipients as API.md lists them; the actor is never one. Undefined when the subject is gone. */
const planners: Partial<Record<EventType, Planner>> = {
  async 'post.created'(tx, e) {
    const p = parseEventPayload('post.created', e.payload);
    return postPlan(e, p, await repo.postContext(tx, e.tenantId, p.postId));
  },
  async 'comment.created'(tx, e) {
    const p = parseEventPayload('comment.created', e.payload);
    const [comment, post] = [await repo.findComment(tx, e.tenantId, p.commentId), await repo.findPost(tx, e.tenantId, p.postId)];
    if (!comment || !post) return undefined;
    const author = await nameOf(tx, e.tenantId, p.authorId);
    const earlier = await repo.earlierCommenterIds(tx, e.tenantId, p.postId, p.commentId);
    return {
      type: 'comment.created',
      sourceId: e.id,
      recipients: without([post.authorId, ...earlier], p.authorId),
      title: `New comment in ${post.spaceName}`,
      body: `${author}: ${excerpt(comment.body)}`,
      data: { postId: p.postId, commentId: p.commentId, spaceId: post.spaceId, authorId: p.authorId },
      path: `/spaces/${post.spaceId}/posts/${p.postId}`,
    };
  },
  async 'session.scheduled'(tx, e) {
    const p = parseEventPayload('session.scheduled', e.payload);
    return {
      type: 'session.scheduled',
      sourceId: e.id,
      recipients: without([p.coachId, p.athleteId], p.actorId),
      title: 'Session scheduled',
      body: `A session is booked for ${when(p.start)}.`,
      data: { sessionId: p.sessionId, start: p.start, end: p.end, coachId: p.coachId, athleteId: p.athleteId },
      path: `/sessions/${p.sessionId}`,
    };
  },
  async 'session.cancelled'(tx, e) {
    const p = parseEventPayload('session.cancelled', e.payload);
    return {
      type: 'session.cancelled',
      sourceId: e.id,
      recipients: without([p.coachId, p.athleteId], p.actorId),
      title: 'Session cancelled',
      body: `The session of ${when(p.start)} was cancelled${p.late ? ' at short notice' : ''}.`,
      data: { sessionId: p.sessionId, start: p.start, coachId: p.coachId, athleteId: p.athleteId, late: p.late },
      path: `/sessions/${p.sessionId}`,
    };
  },
  async 'message.created'(tx, e) {
    const p = parseEventPayload('message.created', e.payload);
    const message = await repo.findMessage(tx, e.tenantId, p.messageId);
    if (!message) return undefined;
    const from = await nameOf(tx, e.tenantId, p.fromUserId);
    return {
      type: 'message.created',
      sourceId: e.id,
      recipients: without([p.toUserId], p.fromUserId),
      title: `New message from ${from}`,
      body: excerpt(message.body),
      data: { messageId: p.messageId, conversationId: p.conversationId, fromUserId: p.fromUserId },
      path: `/conversations/${p.conversationId}`,
      onlyIfOffline: true,
    };
  },
  async 'media.ready'(tx, e) {
    const p = parseEventPayload('media.ready', e.payload);
    const media = await repo.findMedia(tx, e.tenantId, p.mediaId);
    return {
      type: 'media.ready',
      sourceId: e.id,
      recipients: [p.ownerId],
      title: 'Your upload is ready',
      body: media ? `${media.filename} has been processed.` : 'Your file has been processed.',
      data: { mediaId: p.mediaId },
      path: `/media/${p.mediaId}`,
    };
  },
};

export function isNotifying(type: EventType): boolean {
  return type in planners;
}

export function planForEvent(tx: Tx, envelope: EventEnvelope): Promise<NotificationPlan | undefined> {
  const planner = planners[envelope.type];
  return planner ? planner(tx, envelope) : Promise.resolve(undefined);
}

/**
 * planForEvent for several events of one tenant, in order. Posts, the bulk of
 * the traffic, share one query; other types are planned one by one.
 */
export async function planForEvents(tx: Tx, tenantId: string, envelopes: readonly EventEnvelope[]): Promise<(NotificationPlan | undefined)[]> {
  const postPayloads = new Map(envelopes.filter((e) => e.type === 'post.created').map((e) => [e.id, parseEventPayload('post.created', e.payload)]));
  const posts = await repo.postContexts(tx, tenantId, [...postPayloads.values()].map((p) => p.postId));
  const plans: (NotificationPlan | undefined)[] = [];
  for (const e of envelopes) {
    const post = postPayloads.get(e.id);
    plans.push(post ? postPlan(e, post, posts.get(post.postId)) : await planForEvent(tx, e));
  }
  return plans;
}

/** Both parties of a still-scheduled session, `offsetMinutes` before it starts. */
export async function planForReminder(tx: Tx, job: JobOf<'notifications', 'session.reminder'>): Promise<NotificationPlan | undefined> {
  const session = await repo.findSession(tx, job.tenantId, job.sessionId);
  if (!session || session.status !== 'scheduled') return undefined;
  const lead = job.offsetMinutes >= 120 ? `${Math.round(job.offsetMinutes / 60)} hours` : job.offsetMinutes === 60 ? '1 hour' : `${job.offsetMinutes} minutes`;
  return {
    type: 'session.reminder',
    sourceId: reminderSourceId(job),
    recipients: without([session.coachId, session.athleteId]),
    title: `Session in ${lead}`,
    body: `Your session starts at ${when(session.startsAt)}.`,
    data: { sessionId: session.id, start: session.startsAt.toISOString(), offsetMinutes: job.offsetMinutes },
    path: `/sessions/${session.id}`,
  };
}

export function reminderSourceId(job: { sessionId: string; offsetMinutes: number }): string {
  return `session.reminder:${job.sessionId}:${job.offsetMinutes}`;
}

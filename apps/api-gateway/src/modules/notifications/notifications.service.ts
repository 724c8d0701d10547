import type { Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import type { deviceTokens, notifications } from '@coachline/db/schema/index';
import { CHANNELS, resolvePreferences } from '@coachline/domain/api/notifications';
import { NotFoundError, ValidationError } from '@coachline/domain/errors';
import { checkDestination, UnsafeDestinationError } from '@coachline/runtime/outbound-http';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import * as repo from './notifications.repository';

const deviceOut = (d: typeof deviceTokens.$inferSelect) => ({ id: d.id, platform: d.platform, createdAt: d.createdAt.toISOString() });

export const notificationOut = (n: typeof notifications.$inferSelect) => ({
  id: n.id,
  type: n.type,
  title: n.title,
  body: n.body,
  data: n.data,
  readAt: n.readAt ? n.readAt.toISOString() : null,
  createdAt: n.createdAt.toISOString(),
});

/** A user's own notifications, preferences and devices: every query is scoped to the caller. */
export class NotificationService {
  constructor(
    private readonly db: Database,
    /** Loopback push endpoints (local test receivers): development alone. */
    private readonly options: { allowLoopbackPush: boolean } = { allowLoopbackPush: false },
  ) {}

  async list(actor: Actor, query: { limit: number; cursor?: string; unread?: 'true' | 'false' }) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) =>
      repo.listNotifications(tx, actor.userId, { unread: query.unread === 'true', limit: query.limit, beforeId: cursor?.id }),
    );
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(notificationOut), nextCursor: result.nextCursor };
  }

  async markRead(actor: Actor, id: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      if (!(await repo.markRead(tx, actor.userId, id))) throw new NotFoundError('No such notification.');
      await recordAudit(tx, { actorId: actor.userId, action: 'notification.read', entityType: 'notification', entityId: id });
    });
  }

  async markAllRead(actor: Actor): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      const count = await repo.markAllRead(tx, actor.userId);
      await recordAudit(tx, { actorId: actor.userId, action: 'notification.read_all', entityType: 'notification', entityId: null, summary: { count } });
    });
  }

  async preferences(actor: Actor) {
    const row = await this.db.withTenant(actor, (tx) => repo.findPreferences(tx, actor.userId));
    return { channels: resolvePreferences(row?.channels) };
  }

  /** Partial maps merge into what is stored; entries not sent keep their values. */
  async updatePreferences(actor: Actor, input: { channels: Partial<Record<(typeof CHANNELS)[number], Record<string, boolean | undefined>>> }) {
    return this.db.withTenant(actor, async (tx) => {
      const stored = (await repo.findPreferences(tx, actor.userId))?.channels ?? {};
      const merged: Record<string, Record<string, boolean>> = {};
      for (const channel of CHANNELS) {
        merged[channel] = { ...(stored[channel] ?? {}) };
        for (const [type, enabled] of Object.entries(input.channels[channel] ?? {})) if (enabled !== undefined) merged[channel][type] = enabled;
      }
      await repo.upsertPreferences(tx, { id: newId(), userId: actor.userId, channels: merged });
      await recordAudit(tx, { actorId: actor.userId, action: 'notification_preferences.updated', entityType: 'notification_preferences', entityId: actor.userId, summary: { channels: input.channels } });
      return { channels: resolvePreferences(merged) };
    });
  }

  /** Registering the same subscription or token again updates it rather than duplicating it. */
  async registerDevice(actor: Actor, input: { platform: 'web'; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } } | { platform: 'ios' | 'android'; token: string }) {
    if (input.platform === 'web') {
      // What is refused here could never be called; a host name is checked again on every send.
      try {
        checkDestination(input.subscription.endpoint, this.options.allowLoopbackPush);
      } catch (error) {
        if (!(error instanceof UnsafeDestinationError)) throw error;
        throw new ValidationError('The push endpoint may not be called.', [{ path: 'subscription.endpoint', message: `${error.message}: an https: URL on a public address is required` }]);
      }
    }
    return this.db.withTenant(actor, async (tx) => {
      const device = await repo.upsertDevice(tx, {
        id: newId(),
        userId: actor.userId,
        platform: input.platform,
        address: input.platform === 'web' ? input.subscription.endpoint : input.token,
        subscription: input.platform === 'web' ? { endpoint: input.subscription.endpoint, keys: input.subscription.keys } : null,
      });
      await recordAudit(tx, { actorId: actor.userId, action: 'device.registered', entityType: 'device', entityId: device.id, summary: { platform: input.platform } });
      return deviceOut(device);
    });
  }

  async listDevices(actor: Actor, query: { limit: number; cursor?: string }) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => repo.listDevices(tx, actor.userId, { limit: query.limit, beforeId: cursor?.id }));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(deviceOut), nextCursor: result.nextCursor };
  }

  /** Another user's device is as unknown as a missing one. */
  async removeDevice(actor: Actor, id: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      if (!(await repo.deleteDevice(tx, actor.userId, id))) throw new NotFoundError('No such device.');
      await recordAudit(tx, { actorId: actor.userId, action: 'device.removed', entityType: 'device', entityId: id });
    });
  }
}

import { randomBytes } from 'node:crypto';
import type { Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import type { PageQuery } from '@coachline/domain/api/common';
import { WEBHOOK_SECRET_PREFIX } from '@coachline/domain/api/webhooks';
import { ConflictError, NotFoundError, ValidationError } from '@coachline/domain/errors';
import type { WebhookEventType } from '@coachline/domain/events';
import { webhookSecretContext } from '@coachline/domain/sealed-contexts';
import { checkDestination, UnsafeDestinationError } from '@coachline/runtime/outbound-http';
import type { SecretBox } from '@coachline/runtime/secret-box';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import * as repo from './webhooks.repository';

const endpointOut = (e: repo.EndpointRow) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  status: e.status,
  createdAt: e.createdAt.toISOString(),
  disabledAt: e.disabledAt ? e.disabledAt.toISOString() : null,
});

const deliveryOut = (d: repo.DeliveryRow) => ({
  id: d.id,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  nextAttemptAt: d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
  createdAt: d.createdAt.toISOString(),
});

/** A tenant's webhook endpoints and their deliveries (ADMIN); the worker delivers. */
export class WebhookEndpointService {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    /** Loopback receivers (local test servers): development alone, unless configured. */
    private readonly options: { allowLoopback: boolean },
  ) {}

  /** The one answer that carries the secret: it is stored sealed and never shown again. */
  async create(actor: Actor, input: { url: string; events: WebhookEventType[]; description?: string }) {
    // What is refused here could never be called; a host name is checked again, on its resolved address, at every attempt.
    try {
      checkDestination(input.url, this.options.allowLoopback);
    } catch (error) {
      if (!(error instanceof UnsafeDestinationError)) throw error;
      throw new ValidationError('The URL may not be called.', [{ path: 'url', message: `${error.message}: an https: URL on a public address is required` }]);
    }
    const id = newId();
    const secret = `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
    return this.db.withTenant(actor, async (tx) => {
      const endpoint = await repo.insertEndpoint(tx, {
        id,
        url: input.url,
        events: input.events,
        description: input.description ?? null,
        secretSealed: this.secrets.seal(secret, webhookSecretContext(id)),
        createdBy: actor.userId,
      });
      await recordAudit(tx, { actorId: actor.userId, action: 'webhook_endpoint.created', entityType: 'webhook_endpoint', entityId: id, summary: { url: input.url, events: input.events } });
      return { ...endpointOut(endpoint), secret };
    });
  }

  async list(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => repo.listEndpoints(tx, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(endpointOut), nextCursor: result.nextCursor };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      if (!(await repo.deleteEndpoint(tx, id))) throw new NotFoundError('No such webhook endpoint.');
      await recordAudit(tx, { actorId: actor.userId, action: 'webhook_endpoint.deleted', entityType: 'webhook_endpoint', entityId: id });
    });
  }

  async deliveries(actor: Actor, endpointId: string, lazyQuery: LazyInput<PageQuery>) {
    return this.db.withTenant(actor, async (tx) => {
      if (!(await repo.findEndpoint(tx, endpointId))) throw new NotFoundError('No such webhook endpoint.');
      const query = lazyQuery();
      const cursor = decodeCursor(query.cursor);
      const result = page(await repo.listDeliveries(tx, endpointId, query.limit, cursor?.id), query.limit, (row) => ({ id: row.id }));
      return { items: result.items.map(deliveryOut), nextCursor: result.nextCursor };
    });
  }

  /**
   * Makes the delivery due again and asks the worker, through the outbox, to
   * attempt it now; it keeps its id, so the receiver sees the same `webhook-id`.
   */
  async redeliver(actor: Actor, endpointId: string, deliveryId: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      const endpoint = await repo.findEndpoint(tx, endpointId, { lock: true });
      if (!endpoint) throw new NotFoundError('No such webhook endpoint.');
      if (endpoint.status === 'disabled') throw new ConflictError('The endpoint is disabled after failing for too long: register it again to receive events.');
      const delivery = await repo.rescheduleDelivery(tx, endpointId, deliveryId);
      if (!delivery) throw new NotFoundError('No such delivery.');
      await emit(tx, 'webhook_delivery.redelivery_requested', { deliveryId, endpointId, requestedBy: actor.userId });
      await recordAudit(tx, { actorId: actor.userId, action: 'webhook_delivery.redelivered', entityType: 'webhook_delivery', entityId: deliveryId, summary: { endpointId } });
    });
  }
}

import type { ProviderName } from '@coachline/domain/api/integrations';
import { ForbiddenError, NotFoundError, WebhookRejectedError } from '@coachline/domain/errors';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import * as repo from '@coachline/db/integrations';
import { emit } from '@coachline/db/outbox';
import { ProviderPushRejected, type IntegrationProvider } from '@coachline/runtime/providers/provider';
import type { ProviderRegistry } from '@coachline/runtime/providers/provider-registry';

/**
 * A provider's push protocol: its subscription handshake, and events verified
 * as the provider specifies, recorded once per connection by event key (a
 * replay finds its record and changes nothing), then applied through the
 * outbox: the integrations consumer syncs the athlete's connection.
 */
export class ProviderPushService {
  constructor(
    private readonly db: Database,
    private readonly providers: ProviderRegistry,
  ) {}

  private provider(name: ProviderName): IntegrationProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new NotFoundError('This provider is not available.');
    return provider;
  }

  handshake(name: ProviderName, query: Record<string, unknown>): string {
    try {
      return this.provider(name).verifyHandshake(query);
    } catch (error) {
      throw rejection(error);
    }
  }

  async receive(name: ProviderName, body: unknown): Promise<{ applied: number }> {
    let push;
    try {
      push = this.provider(name).verifyPush(body);
    } catch (error) {
      throw rejection(error);
    }
    // The push names the athlete's account at the provider, not a tenant: finding whose connections those are spans tenants.
    const connections = await this.db.withSystem((tx) => repo.connectionsOfAccount(tx, name, push.accountId));
    let applied = 0;
    for (const connection of connections) {
      const fresh = await this.db.withTenant({ tenantId: connection.tenantId }, async (tx) => {
        if (!(await repo.recordPushEvent(tx, { id: newId(), connectionId: connection.id, eventKey: push.eventKey, eventTime: push.occurredAt }))) return false;
        if (push.revoked) {
          // The athlete withdrew the grant at the provider: the tokens are dead, and the recurring sync ends.
          await repo.updateConnection(tx, connection.id, { status: 'revoked', accessTokenSealed: null, refreshTokenSealed: null, tokenKeyId: null, accessTokenExpiresAt: null });
          await emit(tx, 'integration.disconnected', { connectionId: connection.id });
        } else if (push.syncs) {
          await emit(tx, 'integration.sync_requested', { connectionId: connection.id, reason: 'push' });
        }
        return true;
      });
      if (fresh) applied++;
    }
    return { applied };
  }
}

function rejection(error: unknown): Error {
  if (!(error instanceof ProviderPushRejected)) return error as Error;
  return error.kind === 'forbidden' ? new ForbiddenError(error.message) : new WebhookRejectedError(error.message);
}

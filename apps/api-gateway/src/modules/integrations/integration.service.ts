import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '@coachline/domain/actor';
import type { ProviderName } from '@coachline/domain/api/integrations';
import { ConflictError, InvalidOAuthStateError, NotFoundError, ServiceUnavailableError, ValidationError } from '@coachline/domain/errors';
import type { Database, TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import * as repo from '@coachline/db/integrations';
import { isMember } from '@coachline/db/memberships';
import { emit } from '@coachline/db/outbox';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Logger } from '@coachline/runtime/logger';
import { ProviderGrantRevokedError, ProviderRateLimitedError, ProviderUnavailableError, type IntegrationProvider } from '@coachline/runtime/providers/provider';
import type { ProviderRegistry } from '@coachline/runtime/providers/provider-registry';
import type { SecretBox } from '@coachline/runtime/secret-box';
import { connectionSeal } from '@coachline/domain/sealed-contexts';
import { checkReturnUrl } from './return-url';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hashState = (state: string) => createHash('sha256').update(state).digest('base64url');

export interface IntegrationOptions {
  /** The gateway's public base URL; the provider sends the browser back to its callback there. */
  publicUrl: string;
  stateTtlSeconds: number;
  returnOrigins: ReadonlySet<string>;
}

const connectionOut = (row: repo.ConnectionRow) => ({
  id: row.id,
  provider: row.provider as ProviderName,
  status: row.status,
  lastSyncAt: row.lastSyncAt ? row.lastSyncAt.toISOString() : null,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
});

/** Connecting, listing, syncing and disconnecting an athlete's own provider accounts. */
export class IntegrationService {
  constructor(
    private readonly db: Database,
    private readonly providers: ProviderRegistry,
    private readonly secrets: SecretBox,
    private readonly logger: Logger,
    private readonly options: IntegrationOptions,
  ) {}

  private provider(name: string): IntegrationProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new NotFoundError('This provider is not available.');
    return provider;
  }

  private redirectUri(provider: string) {
    return `${this.options.publicUrl.replace(/\/$/, '')}/v1/integrations/${provider}/callback`;
  }

  /**
   * Starts the authorization code flow. The `state` carries the tenant (the
   * callback has no bearer token) and 256 random bits; only its hash is kept,
   * bound to the user, for a few minutes, and it works once.
   */
  async connect(actor: Actor, providerName: ProviderName, body: { returnUrl?: string }) {
    const provider = this.provider(providerName);
    const returnUrl = checkReturnUrl(body.returnUrl, this.options.returnOrigins);
    const state = `${actor.tenantId}.${randomBytes(32).toString('base64url')}`;
    await this.db.withTenant(actor, (tx) =>
      repo.insertOauthState(tx, {
        id: newId(),
        userId: actor.userId,
        provider: providerName,
        stateHash: hashState(state),
        returnUrl: returnUrl ?? null,
        expiresAt: new Date(Date.now() + this.options.stateTtlSeconds * 1000),
      }),
    );
    return { authorizeUrl: provider.authorizationUrl({ state, redirectUri: this.redirectUri(providerName) }).toString() };
  }

  /** The provider's redirect back: the state names the tenant and the user; the code becomes tokens, sealed. */
  async callback(providerName: ProviderName, query: { code?: string; state: string; error?: string }) {
    const provider = this.provider(providerName);
    const [tenantId] = query.state.split('.');
    if (!tenantId || !UUID.test(tenantId)) throw new InvalidOAuthStateError('The state is not valid.');
    const scope = { tenantId };
    // The state is taken even when the user has left since: it works once either way.
    const pending = await this.db.withTenant(scope, async (tx) => {
      const state = await repo.takeOauthState(tx, hashState(query.state));
      return state && { ...state, stillMember: await isMember(tx, state.userId) };
    });
    if (!pending || pending.provider !== providerName || pending.expiresAt.getTime() < Date.now()) throw new InvalidOAuthStateError('The state is unknown, expired or used.');
    if (!pending.stillMember) throw new InvalidOAuthStateError('The user who started this connection is no longer a member.');
    if (query.error || !query.code) throw new ValidationError('The provider gave no authorization code.', [{ path: 'code', message: query.error ?? 'Required' }]);

    let grant;
    try {
      grant = await provider.exchangeCode(query.code, this.redirectUri(providerName));
    } catch (error) {
      if (error instanceof ProviderGrantRevokedError) throw new InvalidOAuthStateError('The provider refused the authorization code.');
      if (error instanceof ProviderUnavailableError || error instanceof ProviderRateLimitedError) throw new ServiceUnavailableError('The provider cannot be reached; try again shortly.');
      throw error;
    }
    const userScope = { tenantId, userId: pending.userId };
    const seal = (value: string, kind: 'access' | 'refresh') => this.secrets.seal(value, connectionSeal(tenantId, pending.userId, providerName, grant.accountId, kind));
    const saved = await this.db.withTenant(scope, async (tx) => {
      const result = await repo.upsertConnection(tx, {
        id: newId(),
        userId: userScope.userId,
        provider: providerName,
        providerAccountId: grant.accountId,
        accessTokenSealed: seal(grant.accessToken, 'access'),
        refreshTokenSealed: seal(grant.refreshToken, 'refresh'),
        tokenKeyId: this.secrets.currentKeyId,
        accessTokenExpiresAt: grant.expiresAt,
        scope: grant.scope ?? null,
      });
      await emit(tx, 'integration.connected', { connectionId: result.id, userId: pending.userId, provider: providerName });
      return result;
    });
    return { connection: { id: saved.id, provider: providerName, status: 'active' as const }, returnUrl: pending.returnUrl };
  }

  async list(actor: Actor, query: { limit: number; cursor?: string }) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => repo.listConnections(tx, actor.userId, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(connectionOut), nextCursor: result.nextCursor };
  }

  /** The caller's own connection; anyone else's (another athlete's, another tenant's) is not found. */
  private async own(tx: TenantTx, actor: Actor, id: string) {
    const row = await repo.findConnection(tx, id);
    if (!row || row.userId !== actor.userId) throw new NotFoundError('No such connection.');
    return row;
  }

  async requestSync(actor: Actor, id: string) {
    return this.db.withTenant(actor, async (tx) => {
      const row = await this.own(tx, actor, id);
      if (row.status !== 'active') throw new ConflictError(`The connection is ${row.status}; connect again to sync.`);
      await emit(tx, 'integration.sync_requested', { connectionId: row.id, reason: 'manual' });
      return { id: row.id, status: 'queued' as const };
    });
  }

  /**
   * Revokes the grant at the provider, then forgets the tokens. Should the
   * provider be unreachable, the tokens are forgotten all the same: the athlete
   * asked to disconnect, and without the tokens nothing here can use the grant
   * (the athlete can also withdraw it in the provider's settings).
   */
  async disconnect(actor: Actor, id: string): Promise<void> {
    const row = await this.db.withTenant(actor, (tx) => this.own(tx, actor, id));
    const provider = this.providers.get(row.provider);
    if (provider && row.accessTokenSealed && row.refreshTokenSealed) {
      try {
        await this.revokeAtProvider(provider, row);
      } catch (error) {
        this.logger.warn('provider revocation failed; tokens are deleted anyway', { provider: row.provider, connectionId: row.id, error: (error as Error).message });
      }
    }
    await this.db.withTenant(actor, async (tx) => {
      await repo.updateConnection(tx, row.id, { status: 'revoked', accessTokenSealed: null, refreshTokenSealed: null, tokenKeyId: null, accessTokenExpiresAt: null });
      await emit(tx, 'integration.disconnected', { connectionId: row.id });
    });
  }

  private async revokeAtProvider(provider: IntegrationProvider, row: repo.ConnectionRow) {
    const context = (kind: 'access' | 'refresh') => connectionSeal(row.tenantId, row.userId, row.provider, row.providerAccountId, kind);
    let accessToken = this.secrets.open(row.accessTokenSealed!, context('access'));
    // An expired access token cannot deauthorize; a fresh one can, and leaves no refresh token alive at the provider.
    if (!row.accessTokenExpiresAt || row.accessTokenExpiresAt.getTime() < Date.now() + 60_000) {
      accessToken = (await provider.refresh(this.secrets.open(row.refreshTokenSealed!, context('refresh')))).accessToken;
    }
    await provider.revoke(accessToken);
  }
}

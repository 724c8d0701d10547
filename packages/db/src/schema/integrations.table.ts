import { foreignKey, index, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';

/**
 * An athlete's account at a provider. Tokens are sealed with the platform's
 * secret box (AES-256-GCM, bound to the row); `tokenKeyId` names the key that
 * sealed them so a rotation can find rows still under an old key. Deleting a
 * connection keeps the row as `revoked`, without tokens, so its imported
 * workouts keep their origin.
 */
export const integrationConnections = tenantTable(
  'integration_connections',
  {
    userId: uuid('user_id').notNull(),
    provider: text('provider').notNull(),
    /** The athlete's id at the provider (Strava's `owner_id` in pushes). */
    providerAccountId: text('provider_account_id').notNull(),
    status: text('status', { enum: ['active', 'error', 'revoked'] }).notNull(),
    accessTokenSealed: text('access_token_sealed'),
    refreshTokenSealed: text('refresh_token_sealed'),
    tokenKeyId: text('token_key_id'),
    accessTokenExpiresAt: ts('access_token_expires_at'),
    scope: text('scope'),
    /** Start time of the newest activity imported: the next sync asks for what came after. */
    syncedThrough: ts('synced_through'),
    lastSyncAt: ts('last_sync_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    membershipRef(t, t.userId, 'integration_connections_user_fk'),
    uniqueIndex('integration_connections_account_key').on(t.tenantId, t.userId, t.provider, t.providerAccountId),
    // A push names the provider's account, not a tenant.
    index('integration_connections_provider_account_idx').on(t.provider, t.providerAccountId),
  ],
);

/**
 * A pending OAuth authorization: the hash of its `state` (the state itself is
 * only in the athlete's browser), who asked, and where to return. Deleted when
 * used, so a state works once.
 */
export const integrationOauthStates = tenantTable(
  'integration_oauth_states',
  {
    userId: uuid('user_id').notNull(),
    provider: text('provider').notNull(),
    stateHash: text('state_hash').notNull(),
    /** PKCE verifier, sealed, for providers that support PKCE. */
    codeVerifierSealed: text('code_verifier_sealed'),
    returnUrl: text('return_url'),
    expiresAt: ts('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    membershipRef(t, t.userId, 'integration_oauth_states_user_fk'),
    uniqueIndex('integration_oauth_states_hash_key').on(t.tenantId, t.stateHash),
    index('integration_oauth_states_expires_idx').on(t.expiresAt),
  ],
);

/** One row per provider push applied to a connection: a replayed push finds its key and changes nothing. */
export const integrationPushEvents = tenantTable(
  'integration_push_events',
  {
    connectionId: uuid('connection_id').notNull(),
    eventKey: text('event_key').notNull(),
    eventTime: ts('event_time').notNull(),
    receivedAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'integration_push_events_connection_fk', columns: [t.tenantId, t.connectionId], foreignColumns: [integrationConnections.tenantId, integrationConnections.id] }).onDelete(
      'cascade',
    ),
    uniqueIndex('integration_push_events_key').on(t.tenantId, t.connectionId, t.eventKey),
    index('integration_push_events_received_idx').on(t.receivedAt),
  ],
);

/**
 * What a sealed secret is bound to (the secret box's `context`): the process
 * that seals it and the one that opens it must name the same place.
 */
export const invitationTokenContext = (invitationId: string) => `invitations.token_sealed:${invitationId}`;
export const passwordResetTokenContext = (resetId: string) => `password_resets.token_sealed:${resetId}`;

/**
 * A provider token of an integration connection, bound to the tenant, the
 * athlete and the provider account rather than the row id: reconnecting the
 * same account reuses its row, whichever id the new tokens were sealed for.
 */
export const connectionSeal = (tenantId: string, userId: string, provider: string, accountId: string, kind: 'access' | 'refresh') =>
  `integration_connections.${kind}_token_sealed:${tenantId}:${userId}:${provider}:${accountId}`;
export const webhookSecretContext = (endpointId: string) => `webhook_endpoints.secret_sealed:${endpointId}`;

/**
 * What a sealed secret is bound to (the secret box's `context`): the process
 * that seals it and the one that opens it must name the same place.
 */
export const invitationTokenContext = (invitationId: string) => `invitations.token_sealed:${invitationId}`;
export const passwordResetTokenContext = (resetId: string) => `password_resets.token_sealed:${resetId}`;

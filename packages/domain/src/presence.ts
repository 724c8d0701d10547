/**
 * The Redis key realtime keeps per connected user: an integer count of open
 * connections, greater than zero while the user is online. The notifications
 * worker reads it to skip offline-only notifications.
 */
export function presenceKey(tenantId: string, userId: string): string {
  return `{coachline}:presence:${tenantId}:${userId}`;
}

import type { Redis } from 'ioredis';
import { presenceKey } from '@coachline/domain/presence';

/** Online means realtime counts at least one open connection for the user. */
export async function isOnline(redis: Redis, tenantId: string, userId: string): Promise<boolean> {
  const count = Number(await redis.get(presenceKey(tenantId, userId)));
  return Number.isFinite(count) && count > 0;
}

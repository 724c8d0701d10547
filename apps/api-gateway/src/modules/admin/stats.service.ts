import type { Queue } from 'bullmq';
import { and, count, eq, sql } from 'drizzle-orm';
import type { Database } from '@coachline/db/database';
import { tenantMediaBytes } from '@coachline/db/media';
import { currentMember } from '@coachline/db/memberships';
import { memberships, tenantCounters } from '@coachline/db/schema/index';
import type { QueueName } from '@coachline/domain/queues';
import type { Actor } from '@coachline/domain/actor';

const COUNTED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
export type QueueDepths = Record<QueueName, Record<(typeof COUNTED_STATES)[number], number>>;

/**
 * A tenant's counts, plus the depths of the shared queues: counts only, never
 * payloads, since the queues hold every tenant's jobs. Redis being down makes
 * the depths null rather than the answer fail.
 */
export class StatsService {
  constructor(
    private readonly db: Database,
    private readonly queues: Record<QueueName, Queue>,
  ) {}

  async stats(actor: Actor) {
    const [tenant, queues] = await Promise.all([this.tenantCounts(actor), this.queueDepths()]);
    return { ...tenant, queues };
  }

  private tenantCounts(actor: Actor) {
    return this.db.withTenant(actor, async (tx) => {
      const { tenantId } = tx.scope;
      // One transaction is one connection: the queries run one after another.
      const [members] = await tx.select({ n: count() }).from(memberships).where(and(eq(memberships.tenantId, tenantId), currentMember));
      // Kept by triggers as rows come and go: reading them costs the same however many there are.
      const [counted] = await tx
        .select({ workouts: sql<number>`coalesce(sum(${tenantCounters.workouts}), 0)::float8`, sessions: sql<number>`coalesce(sum(${tenantCounters.sessions}), 0)::float8` })
        .from(tenantCounters)
        .where(eq(tenantCounters.tenantId, tenantId));
      // Originals and their variants: what the tenant's quota is charged for.
      const mediaBytes = await tenantMediaBytes(tx);
      return { members: members?.n ?? 0, workouts: counted?.workouts ?? 0, sessions: counted?.sessions ?? 0, mediaBytes };
    });
  }

  private async queueDepths(): Promise<QueueDepths | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const entries = await Promise.race([
        Promise.all(Object.entries(this.queues).map(async ([name, queue]) => [name, await queue.getJobCounts(...COUNTED_STATES)] as const)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('queue counts timed out')), 2_000);
        }),
      ]);
      return Object.fromEntries(entries.map(([name, counts]) => [name, Object.fromEntries(COUNTED_STATES.map((s) => [s, counts[s] ?? 0]))])) as QueueDepths;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}

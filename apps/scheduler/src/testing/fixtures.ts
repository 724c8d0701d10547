import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { exercises, memberships, tenants, users } from '@coachline/db/schema/index';
import { QUEUE_NAMES } from '@coachline/domain/queues';
import { loadConfig } from '@coachline/runtime/config';
import type { Redis } from '@coachline/runtime/redis';
import { configSchema, type Config } from '../config';

/** The scheduler's configuration for a test: the URLs `pnpm test` provides, a queue prefix of its own. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(configSchema, { LOG_LEVEL: 'silent', QUEUE_PREFIX: `{t-${randomUUID().slice(0, 8)}}`, ...overrides });
}

export interface Person {
  id: string;
  email: string;
  name: string;
}

/** A tenant with a coach, athletes and one exercise, written directly (the scheduler has no HTTP API). */
export async function tenantFixture(db: Database, athleteCount = 2) {
  const tenantId = newId();
  const person = (role: string): Person => ({ id: newId(), email: `${role}-${randomUUID()}@example.com`, name: `${role} ${randomUUID().slice(0, 4)}` });
  const coach = person('coach');
  const athletes = Array.from({ length: athleteCount }, () => person('athlete'));
  const exerciseId = newId();
  // Fixtures for a fresh tenant: the system role writes them without a tenant context.
  await db.withSystem(async (tx) => {
    await tx.insert(tenants).values({ id: tenantId, name: `Studio ${randomUUID().slice(0, 6)}` });
    await tx.insert(users).values([coach, ...athletes].map((p) => ({ ...p, passwordHash: 'unused' })));
    await tx.insert(memberships).values([
      { tenantId, id: newId(), userId: coach.id, role: 'COACH' as const },
      ...athletes.map((a) => ({ tenantId, id: newId(), userId: a.id, role: 'ATHLETE' as const })),
    ]);
    await tx.insert(exercises).values({ tenantId, id: exerciseId, name: 'Back Squat', category: 'legs', primaryMuscle: 'quadriceps' });
  });
  return { tenantId, coach, athletes, exerciseId };
}

/** Removes every key of a test's queues. */
export async function obliterateQueues(redis: Redis, prefix: string): Promise<void> {
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(name, { connection: redis, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

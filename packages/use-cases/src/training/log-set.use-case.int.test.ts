import fc from 'fast-check';
import { and, eq } from 'drizzle-orm';
import { createDatabase } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { exercises, memberships, personalRecords, tenants, users, workouts } from '@coachline/db/schema/index';
import { actorOf } from '@coachline/domain/actor';
import { detectRecords, priorBests, type SetSample } from '@coachline/domain/training-rules';
import { createLogger } from '@coachline/runtime/logger';
import { LogSetUseCase } from './log-set.use-case';

/**
 * logSet judges records with SQL aggregates; this checks it against the pure
 * rule in the domain over random histories, on the real database.
 */
const db = createDatabase({ url: process.env.DATABASE_URL!, poolSize: 3 });
afterAll(() => db.close());
const nowhere = { to: () => ({ emit: () => true }) };
const logSet = new LogSetUseCase(db, nowhere, createLogger('test', 'silent'));

async function freshAthlete() {
  const tenantId = newId();
  const athleteId = newId();
  const exerciseId = newId();
  const workoutId = newId();
  await db.withTenant({ tenantId }, async (tx) => {
    await tx.insert(tenants).values({ id: tenantId, name: 'Records' });
    await tx.insert(users).values({ id: athleteId, email: `${athleteId}@example.com`, name: 'A', passwordHash: 'unused' });
    await tx.insert(memberships).values({ tenantId, id: newId(), userId: athleteId, role: 'ATHLETE' });
    await tx.insert(exercises).values({ tenantId, id: exerciseId, name: 'Squat', category: 'legs', primaryMuscle: 'quadriceps' });
    await tx.insert(workouts).values({ tenantId, id: workoutId, athleteId, status: 'in_progress' });
  });
  return { tenantId, athleteId, exerciseId, workoutId, actor: actorOf({ tenantId, userId: athleteId, role: 'ATHLETE' }, 'records-test') };
}

test('the records logSet stores are the ones the domain rule detects', async () => {
  const set = fc.record({ reps: fc.integer({ min: 0, max: 20 }), weightKg: fc.integer({ min: 0, max: 40 }).map((n) => n * 2.5) });
  await fc.assert(
    fc.asyncProperty(fc.array(set, { minLength: 1, maxLength: 12 }), async (sets) => {
      const { tenantId, exerciseId, workoutId, actor } = await freshAthlete();
      const history: SetSample[] = [];
      for (const candidate of sets) {
        const expected = detectRecords(priorBests(history, candidate.weightKg), candidate);
        const result = await logSet.execute(actor, workoutId, () => ({ exerciseId, ...candidate }));
        expect(result.personalRecord).toEqual(expected[0] ? { exerciseId, ...expected[0] } : null);
        const stored = await db.withTenant({ tenantId }, (tx) =>
          tx.select({ kind: personalRecords.kind, value: personalRecords.value }).from(personalRecords).where(and(eq(personalRecords.tenantId, tenantId), eq(personalRecords.setId, result.set.id))),
        );
        expect(stored.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([...expected].sort((a, b) => a.kind.localeCompare(b.kind)));
        history.push(candidate);
      }
    }),
    { numRuns: 15 },
  );
});

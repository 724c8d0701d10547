import fc from 'fast-check';
import { and, eq } from 'drizzle-orm';
import { createDatabase } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { analyticsDailyExercise, exercises, memberships, personalRecords, tenants, users, workouts } from '@coachline/db/schema/index';
import { actorOf } from '@coachline/domain/actor';
import { detectRecords, epley, priorBests, roundKg, type SetSample } from '@coachline/domain/training-rules';
import { createLogger } from '@coachline/runtime/logger';
import { DeleteSetUseCase } from './delete-set.use-case';
import { LogSetUseCase } from './log-set.use-case';
import { UpdateSetUseCase } from './update-set.use-case';

/**
 * logSet judges records from the sets that hold the current ones; this checks
 * it against the pure rule in the domain over random histories, also after
 * corrections and deletions, on the real database, with the daily rollup the
 * set writes keep.
 */
const db = createDatabase({ url: process.env.DATABASE_URL!, poolSize: 3 });
afterAll(() => db.close());
const nowhere = { to: () => ({ emit: () => true }) };
const logSet = new LogSetUseCase(db, nowhere, createLogger('test', 'silent'));
const updateSet = new UpdateSetUseCase(db, nowhere, createLogger('test', 'silent'));
const deleteSet = new DeleteSetUseCase(db, nowhere, createLogger('test', 'silent'));

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

type Step = { op: 'log'; reps: number; weightKg: number } | { op: 'update'; pick: number; reps: number; weightKg: number } | { op: 'delete'; pick: number };

test('after corrections and deletions, a logged set is judged against the history as it stands, and the day is rolled up from it', async () => {
  const reps = fc.integer({ min: 0, max: 12 });
  const weightKg = fc.integer({ min: 0, max: 20 }).map((n) => n * 5);
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('log' as const), reps, weightKg }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('update' as const), pick: fc.nat(), reps, weightKg }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 14 }), async (steps) => {
      const { tenantId, exerciseId, workoutId, actor } = await freshAthlete();
      const history: (SetSample & { id: string })[] = [];
      for (const s of steps) {
        if (s.op === 'log') {
          const expected = detectRecords(priorBests(history, s.weightKg), s);
          const result = await logSet.execute(actor, workoutId, () => ({ exerciseId, reps: s.reps, weightKg: s.weightKg }));
          expect(result.personalRecord).toEqual(expected[0] ? { exerciseId, ...expected[0] } : null);
          history.push({ id: result.set.id, reps: s.reps, weightKg: s.weightKg });
        } else if (history.length > 0) {
          const target = history[s.pick % history.length]!;
          if (s.op === 'update') {
            await updateSet.execute(actor, workoutId, target.id, () => ({ reps: s.reps, weightKg: s.weightKg }));
            Object.assign(target, { reps: s.reps, weightKg: s.weightKg });
          } else {
            await deleteSet.execute(actor, workoutId, target.id);
            history.splice(history.indexOf(target), 1);
          }
        }
      }
      const rollup = await db.withTenant({ tenantId }, (tx) =>
        tx
          .select({ sets: analyticsDailyExercise.sets, volumeKg: analyticsDailyExercise.volumeKg, bestE1rmKg: analyticsDailyExercise.bestE1rmKg })
          .from(analyticsDailyExercise)
          .where(and(eq(analyticsDailyExercise.tenantId, tenantId), eq(analyticsDailyExercise.exerciseId, exerciseId))),
      );
      // Summed over the rows, in case the run crossed midnight (UTC) and the sets two days.
      const rolledUp = rollup.length
        ? { sets: rollup.reduce((sum, r) => sum + r.sets, 0), volumeKg: roundKg(rollup.reduce((sum, r) => sum + r.volumeKg, 0)), bestE1rmKg: Math.max(...rollup.map((r) => r.bestE1rmKg)) }
        : null;
      const expected = history.length
        ? { sets: history.length, volumeKg: roundKg(history.reduce((sum, h) => sum + h.reps * h.weightKg, 0)), bestE1rmKg: roundKg(Math.max(...history.map((h) => epley(h.weightKg, h.reps)))) }
        : null;
      expect(rolledUp).toEqual(expected);
    }),
    { numRuns: 12 },
  );
});

import { newId } from '@coachline/db/ids';
import { PROGRAM_LIMITS } from '@coachline/domain/api/training';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';
import { insertProgram, programContents } from './training.repository';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function exerciseIds(user: TestUser, count: number): Promise<string[]> {
  const res = await gw.http().get(`/v1/exercises?limit=${count}`).set(gw.auth(user));
  expect(res.body.items.length).toBe(count);
  return res.body.items.map((e: { id: string }) => e.id);
}

function programOf(ids: string[], shape: { days: number; exercisesPerDay: number; setsPerExercise: number }) {
  return {
    name: 'Big block',
    days: Array.from({ length: shape.days }, (_, d) => ({
      name: `Day ${d + 1}`,
      exercises: Array.from({ length: shape.exercisesPerDay }, (_, e) => ({
        exerciseId: ids[e % ids.length]!,
        sets: Array.from({ length: shape.setsPerExercise }, (_, s) => ({ reps: 5 + s, weightKg: 60, rpe: 8, restSeconds: 90 })),
      })),
    })),
  };
}

test('the largest program the schema allows is created and read back whole', async () => {
  const admin = await gw.signup();
  const ids = await exerciseIds(admin, PROGRAM_LIMITS.exercisesPerDay);
  const created = await gw.http().post('/v1/programs').set(gw.auth(admin)).send(programOf(ids, PROGRAM_LIMITS));
  expect(created.status).toBe(201);
  const read = await gw.http().get(`/v1/programs/${created.body.id}`).set(gw.auth(admin));
  expect(read.status).toBe(200);
  const days = read.body.days as Array<{ index: number; exercises: Array<{ exerciseId: string; sets: Array<{ reps: number }> }> }>;
  expect(days).toHaveLength(PROGRAM_LIMITS.days);
  expect(days.every((day) => day.exercises.length === PROGRAM_LIMITS.exercisesPerDay && day.exercises.every((e) => e.sets.length === PROGRAM_LIMITS.setsPerExercise))).toBe(true);
  expect(days[27]!.exercises[19]!.sets.map((s) => s.reps)).toEqual(Array.from({ length: PROGRAM_LIMITS.setsPerExercise }, (_, s) => 5 + s));
  expect(read.body).toEqual(created.body);
});

test.each([
  ['a day too many', { ...PROGRAM_LIMITS, days: PROGRAM_LIMITS.days + 1, exercisesPerDay: 1, setsPerExercise: 1 }, 'days'],
  ['an exercise too many in a day', { ...PROGRAM_LIMITS, days: 1, exercisesPerDay: PROGRAM_LIMITS.exercisesPerDay + 1, setsPerExercise: 1 }, 'days.0.exercises'],
  ['a set too many for an exercise', { ...PROGRAM_LIMITS, days: 1, exercisesPerDay: 1, setsPerExercise: PROGRAM_LIMITS.setsPerExercise + 1 }, 'days.0.exercises.0.sets'],
])('a program with %s is 422 naming where', async (_name, shape, path) => {
  const admin = await gw.signup();
  const ids = await exerciseIds(admin, 5);
  const res = await gw.http().post('/v1/programs').set(gw.auth(admin)).send(programOf(ids, shape));
  expect(res.status).toBe(422);
  expect(res.body.errors).toContainEqual(expect.objectContaining({ path }));
});

test('the bounds are documented in the OpenAPI description of the request', async () => {
  const doc = await gw.http().get('/openapi.json');
  const schema = JSON.stringify(doc.body.components.schemas.ProgramRequest);
  expect(schema).toContain(`1 to ${PROGRAM_LIMITS.days} days`);
  expect(schema).toContain(`up to ${PROGRAM_LIMITS.exercisesPerDay} exercises`);
  expect(schema).toContain(`1 to ${PROGRAM_LIMITS.setsPerExercise} planned sets`);
});

test('the program write chunks its rows under the 65,535 bind parameters of one statement', async () => {
  const admin = await gw.signup();
  const [exerciseId] = await exerciseIds(admin, 1);
  const programId = newId();
  const days = [{ id: newId(), programId, position: 0, name: 'Day' }];
  // 7,000 rows of 10 columns would bind 70,000 parameters in one statement.
  const sets = Array.from({ length: 7_000 }, (_, i) => ({
    id: newId(),
    dayId: days[0]!.id,
    exerciseId: exerciseId!,
    exercisePosition: Math.floor(i / 10),
    setPosition: i % 10,
    reps: 5,
    weightKg: null,
    rpe: null,
    restSeconds: null,
  }));
  const stored = await gw.deps.db.withTenant({ tenantId: admin.tenantId }, async (tx) => {
    await insertProgram(tx, { id: programId, name: 'Huge', description: null, createdBy: admin.id }, days, sets);
    return programContents(tx, programId);
  });
  expect(stored.sets).toHaveLength(7_000);
});

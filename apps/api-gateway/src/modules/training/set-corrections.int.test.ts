import { eq } from 'drizzle-orm';
import { workouts } from '@coachline/db/schema/index';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

/** PATCH and DELETE of logged sets: who may, until when, and records and progress judged again. */
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function startWorkout(user: TestUser, body: Record<string, unknown> = {}) {
  const res = await gw.http().post('/v1/workouts').set(gw.auth(user)).send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; plannedSets: { id: string; exerciseId: string }[] };
}

async function logSet(user: TestUser, workoutId: string, body: Record<string, unknown>) {
  const res = await gw.http().post(`/v1/workouts/${workoutId}/sets`).set(gw.auth(user)).send(body);
  expect(res.status).toBe(201);
  return res.body as { set: { id: string }; personalRecord: unknown };
}

const patchSet = (user: TestUser, workoutId: string, setId: string, body: Record<string, unknown>) =>
  gw.http().patch(`/v1/workouts/${workoutId}/sets/${setId}`).set(gw.auth(user)).send(body);
const deleteSet = (user: TestUser, workoutId: string, setId: string) => gw.http().delete(`/v1/workouts/${workoutId}/sets/${setId}`).set(gw.auth(user));

async function records(user: TestUser, athleteId: string, exerciseId: string) {
  const res = await gw.http().get(`/v1/athletes/${athleteId}/progress`).query({ exerciseId }).set(gw.auth(user));
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.personalRecords as { kind: string; value: number; setId: string }[]).map((r) => [r.kind, { value: r.value, setId: r.setId }]));
}

test('deleting the set that holds a record makes the best remaining set the record again', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(athlete, 'Back Squat');
  const workout = await startWorkout(athlete);
  await logSet(athlete, workout.id, { exerciseId: squat, reps: 5, weightKg: 100 });
  const heavy = await logSet(athlete, workout.id, { exerciseId: squat, reps: 3, weightKg: 140 });
  const middle = await logSet(athlete, workout.id, { exerciseId: squat, reps: 3, weightKg: 120 });
  expect(middle.personalRecord).toBeNull();
  expect((await records(athlete, athlete.id, squat)).weight).toEqual({ value: 140, setId: heavy.set.id });

  expect((await deleteSet(athlete, workout.id, heavy.set.id)).status).toBe(204);
  const after = await records(athlete, athlete.id, squat);
  expect(after.weight).toEqual({ value: 120, setId: middle.set.id });
  expect(after.e1rm).toEqual({ value: 132, setId: middle.set.id });
  expect(after.reps).toEqual({ value: 3, setId: middle.set.id });
  const stored = (await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete))).body;
  expect(stored.sets.map((s: { id: string }) => s.id)).toEqual([expect.any(String), middle.set.id]);
  expect((await deleteSet(athlete, workout.id, heavy.set.id)).status).toBe(404);
});

test('correcting a set answers the set, progress and the record it holds now, and records follow the correction', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const bench = await gw.exerciseNamed(athlete, 'Barbell Bench');
  const first = await startWorkout(athlete);
  const opener = await logSet(athlete, first.id, { exerciseId: bench, reps: 5, weightKg: 80 });
  const top = await logSet(athlete, first.id, { exerciseId: bench, reps: 5, weightKg: 90, rpe: 9 });

  const typo = await patchSet(athlete, first.id, top.set.id, { weightKg: 60, rpe: null });
  expect(typo.status).toBe(200);
  expect(typo.body).toMatchObject({ set: { id: top.set.id, reps: 5, weightKg: 60, rpe: null }, progress: { completed: 0, planned: 0, percent: 0 }, personalRecord: null });
  expect((await records(athlete, athlete.id, bench)).weight).toEqual({ value: 80, setId: opener.set.id });

  const fixed = await patchSet(athlete, first.id, top.set.id, { weightKg: 95, reps: 6 });
  expect(fixed.status).toBe(200);
  expect(fixed.body.personalRecord).toEqual({ exerciseId: bench, kind: 'e1rm', value: 114 });
  expect(await records(athlete, athlete.id, bench)).toEqual({
    e1rm: { value: 114, setId: top.set.id },
    weight: { value: 95, setId: top.set.id },
    reps: { value: 6, setId: top.set.id },
  });
});

test('a completed workout takes corrections for 24 hours, its summary follows them, and then it is 409', async () => {
  const { athlete, coach } = await gw.tenantWithTeam();
  const deadlift = await gw.exerciseNamed(athlete, 'Deadlift');
  const workout = await startWorkout(athlete);
  const a = await logSet(athlete, workout.id, { exerciseId: deadlift, reps: 5, weightKg: 150 });
  const b = await logSet(athlete, workout.id, { exerciseId: deadlift, reps: 5, weightKg: 160 });
  expect((await gw.http().post(`/v1/workouts/${workout.id}/complete`).set(gw.auth(athlete))).status).toBe(200);

  expect((await patchSet(coach, workout.id, a.set.id, { reps: 4 })).status).toBe(200);
  expect((await deleteSet(coach, workout.id, b.set.id)).status).toBe(204);
  const summary = (await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete))).body.summary;
  expect(summary).toMatchObject({ sets: 1, volumeKg: 600 });
  expect(summary.personalRecords).toEqual(expect.arrayContaining([{ exerciseId: deadlift, kind: 'weight', value: 150 }]));

  await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) =>
    tx.update(workouts).set({ completedAt: new Date(Date.now() - 25 * 3600 * 1000) }).where(eq(workouts.id, workout.id)),
  );
  const late = await patchSet(athlete, workout.id, a.set.id, { reps: 6 });
  expect(late.status).toBe(409);
  expect(late.body.code).toBe('CONFLICT');
  expect((await deleteSet(athlete, workout.id, a.set.id)).status).toBe(409);
  const unchanged = (await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete))).body;
  expect(unchanged.sets).toEqual([expect.objectContaining({ id: a.set.id, reps: 4 })]);
});

test("the athlete and staff correct sets; another athlete is 403, another tenant's ids are 404, bad input 422", async () => {
  const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const row = await gw.exerciseNamed(athlete, 'Barbell Row');
  const workout = await startWorkout(athlete);
  const set = await logSet(athlete, workout.id, { exerciseId: row, reps: 8, weightKg: 60 });

  expect((await patchSet(athlete2, workout.id, set.set.id, { reps: 9 })).status).toBe(403);
  expect((await deleteSet(athlete2, workout.id, set.set.id)).status).toBe(403);
  expect((await patchSet(coach, workout.id, set.set.id, { reps: 9 })).status).toBe(200);
  expect((await patchSet(admin, workout.id, set.set.id, { reps: 10 })).status).toBe(200);

  const bad = await patchSet(athlete, workout.id, set.set.id, { reps: -1, weightKg: 2000, exerciseId: row });
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['reps', 'weightKg']));
  expect((await patchSet(athlete, workout.id, set.set.id, {})).status).toBe(422);

  const other = await gw.signup();
  expect((await patchSet(other, workout.id, set.set.id, { reps: 1 })).status).toBe(404);
  expect((await deleteSet(other, workout.id, set.set.id)).status).toBe(404);
  const otherWorkout = await startWorkout(athlete);
  expect((await patchSet(athlete, otherWorkout.id, set.set.id, { reps: 1 })).status).toBe(404);
  // A missing resource is 404 before the body is judged.
  expect((await patchSet(other, workout.id, set.set.id, { reps: -1 })).status).toBe(404);

  const stored = (await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete))).body;
  expect(stored.sets).toEqual([expect.objectContaining({ id: set.set.id, reps: 10, weightKg: 60 })]);
});

test('deleting a set logged against a planned set takes it out of the progress', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const press = await gw.exerciseNamed(coach, 'Overhead Press');
  const program = await gw
    .http()
    .post('/v1/programs')
    .set(gw.auth(coach))
    .send({ name: 'Press', days: [{ name: 'A', exercises: [{ exerciseId: press, sets: [{ reps: 5 }, { reps: 5 }] }] }] });
  expect((await gw.http().post(`/v1/programs/${program.body.id}/assignments`).set(gw.auth(coach)).send({ athleteId: athlete.id, startDate: '2026-12-07' })).status).toBe(201);
  const workout = await startWorkout(athlete, { programId: program.body.id, dayIndex: 0 });
  const logged = await logSet(athlete, workout.id, { exerciseId: press, reps: 5, weightKg: 40, plannedSetId: workout.plannedSets[0]!.id });
  const corrected = await patchSet(athlete, workout.id, logged.set.id, { reps: 4 });
  expect(corrected.body.progress).toEqual({ completed: 1, planned: 2, percent: 50 });
  expect((await deleteSet(athlete, workout.id, logged.set.id)).status).toBe(204);
  const next = await logSet(athlete, workout.id, { exerciseId: press, reps: 5, weightKg: 40, plannedSetId: workout.plannedSets[1]!.id });
  expect((next as unknown as { progress: unknown }).progress).toEqual({ completed: 1, planned: 2, percent: 50 });
});

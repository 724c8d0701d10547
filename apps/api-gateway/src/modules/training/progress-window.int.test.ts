import { and, eq } from 'drizzle-orm';
import { analyticsDailyExercise } from '@coachline/db/schema/index';
import { addDays, PROGRESS_WINDOW_DAYS } from '@coachline/domain/analytics';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

/** Progress answers one window of days, from the daily rollups the set writes keep in their own transactions. */
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function logSet(user: TestUser, workoutId: string, body: Record<string, unknown>): Promise<string> {
  const res = await gw.http().post(`/v1/workouts/${workoutId}/sets`).set(gw.auth(user)).send(body);
  expect(res.status).toBe(201);
  return res.body.set.id;
}

const progress = (user: TestUser, query: Record<string, string> = {}) => gw.http().get(`/v1/athletes/${user.id}/progress`).query(query).set(gw.auth(user));

/** The athlete's rollup rows, as the table holds them. */
async function rollups(athlete: TestUser) {
  const rows = await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) =>
    tx
      .select({ day: analyticsDailyExercise.day, exerciseId: analyticsDailyExercise.exerciseId, sets: analyticsDailyExercise.sets, volumeKg: analyticsDailyExercise.volumeKg, bestE1rmKg: analyticsDailyExercise.bestE1rmKg })
      .from(analyticsDailyExercise)
      .where(and(eq(analyticsDailyExercise.tenantId, athlete.tenantId), eq(analyticsDailyExercise.athleteId, athlete.id))),
  );
  return rows.sort((a, b) => a.exerciseId.localeCompare(b.exerciseId));
}

test('the window defaults to the last twelve weeks, follows from and to, and is refused inverted or longer than 366 days', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(athlete, 'Back Squat');
  const workout = (await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({})).body;
  await logSet(athlete, workout.id, { exerciseId: squat, reps: 5, weightKg: 100 });
  const today = new Date().toISOString().slice(0, 10);

  const byDefault = await progress(athlete);
  expect(byDefault.status).toBe(200);
  // The day may turn between the set and the read: the window is whatever day the answer says it ends.
  expect(byDefault.body.from).toBe(addDays(byDefault.body.to, -(PROGRESS_WINDOW_DAYS - 1)));
  expect(byDefault.body.e1rm).toEqual([{ date: today, exerciseId: squat, value: 116.67 }]);
  expect(byDefault.body.weeklyVolumeKg).toEqual([{ weekStart: expect.any(String), value: 500 }]);

  const before = await progress(athlete, { from: addDays(today, -30), to: addDays(today, -1) });
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({ from: addDays(today, -30), to: addDays(today, -1), e1rm: [], weeklyVolumeKg: [] });
  // Standing records are the athlete's all-time bests, whatever the window.
  expect(before.body.personalRecords).toHaveLength(3);

  const fromOnly = await progress(athlete, { from: addDays(today, -1) });
  expect(fromOnly.body).toMatchObject({ from: addDays(today, -1), to: addDays(today, PROGRESS_WINDOW_DAYS - 2) });
  expect(fromOnly.body.e1rm).toHaveLength(1);
  const toOnly = await progress(athlete, { to: today });
  expect(toOnly.body.from).toBe(addDays(today, -(PROGRESS_WINDOW_DAYS - 1)));

  expect((await progress(athlete, { from: addDays(today, -365), to: today })).status).toBe(200);
  const tooLong = await progress(athlete, { from: addDays(today, -366), to: today });
  expect(tooLong.status).toBe(422);
  expect(tooLong.headers['content-type']).toMatch(/application\/problem\+json/);
  expect((await progress(athlete, { from: today, to: addDays(today, -1) })).status).toBe(422);
  expect((await progress(athlete, { from: 'yesterday' })).status).toBe(422);
});

test('the window is in the OpenAPI document', async () => {
  const doc = (await gw.http().get('/openapi.json')).body;
  const names = (doc.paths['/v1/athletes/{id}/progress'].get.parameters as { name: string }[]).map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(['exerciseId', 'from', 'to']));
  expect(doc.paths['/v1/athletes/{id}/progress'].get.description).toMatch(/by default the 84 days to today, at most 366/);
});

test('the daily rollups follow sets as they are logged, corrected and deleted, and progress reads them', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(athlete, 'Back Squat');
  const bench = await gw.exerciseNamed(athlete, 'Barbell Bench');
  const workout = (await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({})).body;
  const first = await logSet(athlete, workout.id, { exerciseId: squat, reps: 5, weightKg: 100 });
  const second = await logSet(athlete, workout.id, { exerciseId: squat, reps: 3, weightKg: 120 });
  const press = await logSet(athlete, workout.id, { exerciseId: bench, reps: 10, weightKg: 60 });

  const expectRollups = async (expected: { exerciseId: string; sets: number; volumeKg: number; bestE1rmKg: number }[]) => {
    const rows = await rollups(athlete);
    // Logged now, so all on one day (or two, if midnight UTC fell in between: then summed).
    const byExercise = new Map<string, { exerciseId: string; sets: number; volumeKg: number; bestE1rmKg: number }>();
    for (const row of rows) {
      const seen = byExercise.get(row.exerciseId);
      byExercise.set(row.exerciseId, seen ? { ...seen, sets: seen.sets + row.sets, volumeKg: seen.volumeKg + row.volumeKg, bestE1rmKg: Math.max(seen.bestE1rmKg, row.bestE1rmKg) } : { exerciseId: row.exerciseId, sets: row.sets, volumeKg: row.volumeKg, bestE1rmKg: row.bestE1rmKg });
    }
    expect([...byExercise.values()].sort((a, b) => a.exerciseId.localeCompare(b.exerciseId))).toEqual([...expected].sort((a, b) => a.exerciseId.localeCompare(b.exerciseId)));
    const answer = await progress(athlete);
    expect(answer.body.weeklyVolumeKg.reduce((sum: number, w: { value: number }) => sum + w.value, 0)).toBe(expected.reduce((sum, e) => sum + e.volumeKg, 0));
  };

  await expectRollups([
    { exerciseId: squat, sets: 2, volumeKg: 860, bestE1rmKg: 132 },
    { exerciseId: bench, sets: 1, volumeKg: 600, bestE1rmKg: 80 },
  ]);

  expect((await gw.http().patch(`/v1/workouts/${workout.id}/sets/${second}`).set(gw.auth(athlete)).send({ weightKg: 90 })).status).toBe(200);
  await expectRollups([
    { exerciseId: squat, sets: 2, volumeKg: 770, bestE1rmKg: 116.67 },
    { exerciseId: bench, sets: 1, volumeKg: 600, bestE1rmKg: 80 },
  ]);
  const squatOnly = await progress(athlete, { exerciseId: squat });
  expect(squatOnly.body.e1rm.map((p: { value: number }) => p.value)).toEqual([116.67]);
  expect(squatOnly.body.weeklyVolumeKg.map((w: { value: number }) => w.value)).toEqual([770]);

  expect((await gw.http().delete(`/v1/workouts/${workout.id}/sets/${first}`).set(gw.auth(athlete))).status).toBe(204);
  await expectRollups([
    { exerciseId: squat, sets: 1, volumeKg: 270, bestE1rmKg: 99 },
    { exerciseId: bench, sets: 1, volumeKg: 600, bestE1rmKg: 80 },
  ]);

  expect((await gw.http().delete(`/v1/workouts/${workout.id}/sets/${press}`).set(gw.auth(athlete))).status).toBe(204);
  await expectRollups([{ exerciseId: squat, sets: 1, volumeKg: 270, bestE1rmKg: 99 }]);
  expect((await progress(athlete)).body.e1rm.map((p: { exerciseId: string }) => p.exerciseId)).toEqual([squat]);
});

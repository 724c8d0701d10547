import { randomUUID } from 'node:crypto';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function startWorkout(user: TestUser, body: Record<string, unknown> = {}) {
  const res = await gw.http().post('/v1/workouts').set(gw.auth(user)).send(body);
  expect(res.status).toBe(201);
  return res.body;
}

const logSet = (user: TestUser, workoutId: string, body: Record<string, unknown>) => gw.http().post(`/v1/workouts/${workoutId}/sets`).set(gw.auth(user)).send(body);

test('every training and messaging route is in the OpenAPI document with its permission', async () => {
  const doc = (await gw.http().get('/openapi.json')).body;
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/v1/exercises', '/v1/programs', '/v1/programs/{id}', '/v1/programs/{id}/assignments', '/v1/workouts', '/v1/workouts/{id}', '/v1/workouts/{id}/sets', '/v1/workouts/{id}/complete', '/v1/athletes/{id}/progress', '/v1/body-metrics', '/v1/conversations', '/v1/conversations/{id}/messages']),
  );
  expect(doc.paths['/v1/workouts/{id}/sets'].post['x-permission']).toBe('workout:write');
});

describe('exercises', () => {
  test('each tenant starts with its own library of at least 30, filterable by name and category', async () => {
    const { admin, athlete } = await gw.tenantWithTeam();
    const all = await gw.http().get('/v1/exercises').query({ limit: 100 }).set(gw.auth(athlete));
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(30);
    expect(new Set(all.body.items.map((e: { category: string }) => e.category))).toEqual(new Set(['push', 'pull', 'legs', 'core', 'cardio', 'other']));

    const squat = await gw.http().get('/v1/exercises').query({ q: 'SQUAT' }).set(gw.auth(athlete));
    expect(squat.body.items.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['Back Squat', 'Front Squat', 'Bulgarian Split Squat']));
    const core = await gw.http().get('/v1/exercises').query({ category: 'core', limit: 100 }).set(gw.auth(athlete));
    expect(core.body.items.every((e: { category: string }) => e.category === 'core')).toBe(true);
    expect((await gw.http().get('/v1/exercises').query({ q: '%' }).set(gw.auth(athlete))).body.items).toEqual([]);
    expect((await gw.http().get('/v1/exercises').query({ category: 'dance' }).set(gw.auth(athlete))).status).toBe(422);

    const other = await gw.signup();
    const otherIds = (await gw.http().get('/v1/exercises').query({ limit: 100 }).set(gw.auth(other))).body.items.map((e: { id: string }) => e.id);
    expect(otherIds.some((id: string) => all.body.items.some((e: { id: string }) => e.id === id))).toBe(false);
    expect(admin.tenantId).not.toBe(other.tenantId);
  });

  test('coaches add exercises; athletes may not; bad input is a 422', async () => {
    const { coach, athlete } = await gw.tenantWithTeam();
    const created = await gw.http().post('/v1/exercises').set(gw.auth(coach)).send({ name: 'Zercher Squat', category: 'legs', primaryMuscle: 'quadriceps', equipment: 'barbell' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), name: 'Zercher Squat', category: 'legs', custom: true });
    expect((await gw.http().get('/v1/exercises').query({ q: 'zercher' }).set(gw.auth(athlete))).body.items).toHaveLength(1);
    expect((await gw.http().post('/v1/exercises').set(gw.auth(athlete)).send({ name: 'Mine', category: 'legs', primaryMuscle: 'quads' })).status).toBe(403);
    const bad = await gw.http().post('/v1/exercises').set(gw.auth(coach)).send({ name: 'x'.repeat(201), category: 'dance', primaryMuscle: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['name', 'category', 'primaryMuscle']));
  });
});

describe('programs', () => {
  test('a coach creates a program with days and planned sets, reads it back and assigns it', async () => {
    const { coach, athlete } = await gw.tenantWithTeam();
    const bench = await gw.exerciseNamed(coach, 'Barbell Bench');
    const row = await gw.exerciseNamed(coach, 'Barbell Row');
    const created = await gw
      .http()
      .post('/v1/programs')
      .set(gw.auth(coach))
      .send({
        name: 'Upper/Lower',
        days: [
          { name: 'Upper', exercises: [{ exerciseId: bench, sets: [{ reps: 5, weightKg: 80 }, { reps: 5, weightKg: 80, rpe: 8, restSeconds: 180 }] }, { exerciseId: row, sets: [{ reps: 8 }] }] },
          { name: 'Rest', exercises: [] },
        ],
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), name: 'Upper/Lower' });
    expect(created.body.days).toHaveLength(2);
    expect(created.body.days[0].exercises.map((e: { exerciseId: string }) => e.exerciseId)).toEqual([bench, row]);
    expect(created.body.days[0].exercises[0].sets[1]).toMatchObject({ reps: 5, weightKg: 80, rpe: 8, restSeconds: 180 });

    // Athletes see the programs assigned to them only.
    expect((await gw.http().get(`/v1/programs/${created.body.id}`).set(gw.auth(athlete))).status).toBe(404);
    const assigned = await gw.http().post(`/v1/programs/${created.body.id}/assignments`).set(gw.auth(coach)).send({ athleteId: athlete.id, startDate: '2026-04-06' });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ id: expect.any(String), programId: created.body.id, athleteId: athlete.id, startDate: '2026-04-06' });

    const got = await gw.http().get(`/v1/programs/${created.body.id}`).set(gw.auth(athlete));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    const list = await gw.http().get('/v1/programs').set(gw.auth(athlete));
    expect(list.body.items).toEqual([expect.objectContaining({ id: created.body.id, dayCount: 2 })]);
    expect((await gw.http().post(`/v1/programs/${created.body.id}/assignments`).set(gw.auth(coach)).send({ athleteId: coach.id, startDate: '2026-04-06' })).status).toBe(422);
    expect((await gw.http().post(`/v1/programs/${created.body.id}/assignments`).set(gw.auth(athlete)).send({ athleteId: athlete.id, startDate: '2026-04-06' })).status).toBe(403);
  });

  test("unknown exercises are 422 per field; another tenant's program is 404, before the body is judged", async () => {
    const { coach } = await gw.tenantWithTeam();
    const bad = await gw
      .http()
      .post('/v1/programs')
      .set(gw.auth(coach))
      .send({ name: 'P', days: [{ name: 'D', exercises: [{ exerciseId: randomUUID(), sets: [{ reps: 5 }] }] }] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'days.0.exercises.0.exerciseId' })]);
    expect((await gw.http().post('/v1/programs').set(gw.auth(coach)).send({ name: 'P', days: [{ name: 'D', exercises: [{ exerciseId: randomUUID(), sets: [{ reps: 1001 }] }] }] })).status).toBe(422);

    const other = await gw.signup();
    const bench = await gw.exerciseNamed(other, 'Barbell Bench');
    const foreign = await gw.http().post('/v1/programs').set(gw.auth(other)).send({ name: 'Theirs', days: [{ name: 'D', exercises: [{ exerciseId: bench, sets: [{ reps: 5 }] }] }] });
    expect((await gw.http().get(`/v1/programs/${foreign.body.id}`).set(gw.auth(coach))).status).toBe(404);
    expect((await gw.http().post(`/v1/programs/${foreign.body.id}/assignments`).set(gw.auth(coach)).send({ bogus: true })).status).toBe(404);
    // Another tenant's exercise id is unknown here.
    const crossRef = await gw.http().post('/v1/programs').set(gw.auth(coach)).send({ name: 'X', days: [{ name: 'D', exercises: [{ exerciseId: bench, sets: [{ reps: 5 }] }] }] });
    expect(crossRef.status).toBe(422);
  });
});

describe('workouts and sets', () => {
  test('a workout from a program day copies its planned sets; logging them reports progress and completing summarises', async () => {
    const { admin, coach, athlete } = await gw.tenantWithTeam();
    const squat = await gw.exerciseNamed(coach, 'Back Squat');
    const program = await gw
      .http()
      .post('/v1/programs')
      .set(gw.auth(coach))
      .send({ name: 'Legs', days: [{ name: 'A', exercises: [] }, { name: 'B', exercises: [{ exerciseId: squat, sets: [{ reps: 5, weightKg: 100 }, { reps: 5, weightKg: 100 }, { reps: 5, weightKg: 100 }] }] }] });
    expect((await gw.http().post(`/v1/programs/${program.body.id}/assignments`).set(gw.auth(coach)).send({ athleteId: athlete.id, startDate: '2026-12-07' })).status).toBe(201);
    const workout = await startWorkout(athlete, { programId: program.body.id, dayIndex: 1 });
    expect(workout).toMatchObject({ id: expect.any(String), athleteId: athlete.id, status: 'in_progress' });
    expect(workout.plannedSets).toHaveLength(3);
    expect(workout.plannedSets[0]).toMatchObject({ id: expect.any(String), exerciseId: squat, reps: 5, weightKg: 100 });

    const first = await logSet(athlete, workout.id, { exerciseId: squat, reps: 5, weightKg: 100, plannedSetId: workout.plannedSets[0].id });
    expect(first.status).toBe(201);
    expect(first.body.set).toMatchObject({ id: expect.any(String), exerciseId: squat, reps: 5, weightKg: 100 });
    expect(first.body.progress).toEqual({ completed: 1, planned: 3, percent: 33 });
    expect(first.body.personalRecord).toEqual({ exerciseId: squat, kind: 'e1rm', value: 116.67 });

    const same = await logSet(athlete, workout.id, { exerciseId: squat, reps: 5, weightKg: 100, plannedSetId: workout.plannedSets[1].id, rpe: 8 });
    expect(same.body.progress).toEqual({ completed: 2, planned: 3, percent: 67 });
    expect(same.body.personalRecord).toBeNull();
    const heavier = await logSet(athlete, workout.id, { exerciseId: squat, reps: 1, weightKg: 110 });
    expect(heavier.body.personalRecord).toEqual({ exerciseId: squat, kind: 'weight', value: 110 });
    expect(heavier.body.progress).toEqual({ completed: 2, planned: 3, percent: 67 });
    const moreReps = await logSet(athlete, workout.id, { exerciseId: squat, reps: 6, weightKg: 90 });
    expect(moreReps.body.personalRecord).toEqual({ exerciseId: squat, kind: 'reps', value: 6 });

    const got = await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(coach));
    expect(got.status).toBe(200);
    expect(got.body.sets).toHaveLength(4);
    expect(got.body.sets[1]).toMatchObject({ reps: 5, weightKg: 100, rpe: 8 });

    const done = await gw.http().post(`/v1/workouts/${workout.id}/complete`).set(gw.auth(athlete));
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: workout.id, status: 'completed' });
    expect(done.body.summary).toMatchObject({ sets: 4, volumeKg: 500 + 500 + 110 + 540, durationSeconds: expect.any(Number) });
    expect(done.body.summary.personalRecords).toEqual(
      expect.arrayContaining([
        { exerciseId: squat, kind: 'e1rm', value: 116.67 },
        { exerciseId: squat, kind: 'weight', value: 110 },
      ]),
    );

    const after = await logSet(athlete, workout.id, { exerciseId: squat, reps: 5, weightKg: 100 });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('CONFLICT');
    expect((await gw.http().post(`/v1/workouts/${workout.id}/complete`).set(gw.auth(athlete))).status).toBe(409);

    const audit = await gw.http().get('/v1/admin/audit-events').query({ limit: 100 }).set(gw.auth(admin));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['program.created', 'workout.started', 'workout.set_logged', 'workout.completed']),
    );
  });

  test('a replayed client set id returns the stored set and changes nothing', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const deadlift = await gw.exerciseNamed(athlete, 'Deadlift');
    const workout = await startWorkout(athlete, { title: 'Pulls' });
    const id = randomUUID();
    const first = await logSet(athlete, workout.id, { id, exerciseId: deadlift, reps: 3, weightKg: 150 });
    expect(first.status).toBe(201);
    expect(first.body.set.id).toBe(id);
    const replay = await logSet(athlete, workout.id, { id, exerciseId: deadlift, reps: 3, weightKg: 150 });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    // A replay carrying different values still returns what was stored.
    const altered = await logSet(athlete, workout.id, { id, exerciseId: deadlift, reps: 10, weightKg: 200 });
    expect(altered.body).toEqual(first.body);
    const got = await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete));
    expect(got.body.sets).toHaveLength(1);
    const progress = await gw.http().get(`/v1/athletes/${athlete.id}/progress`).query({ exerciseId: deadlift }).set(gw.auth(athlete));
    expect(progress.body.personalRecords).toHaveLength(3);

    // The same id in another workout is a conflict, never a silent overwrite.
    const other = await startWorkout(athlete);
    expect((await logSet(athlete, other.id, { id, exerciseId: deadlift, reps: 3, weightKg: 150 })).status).toBe(409);
    // Replays are answered even once the workout is completed.
    await gw.http().post(`/v1/workouts/${workout.id}/complete`).set(gw.auth(athlete));
    expect((await logSet(athlete, workout.id, { id, exerciseId: deadlift, reps: 3, weightKg: 150 })).body).toEqual(first.body);
  });

  test('concurrent sets of one workout are all stored and judged one after another', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const press = await gw.exerciseNamed(athlete, 'Overhead Press');
    const workout = await startWorkout(athlete);
    const results = await Promise.all([40, 42.5, 45, 47.5, 50].map((weightKg) => logSet(athlete, workout.id, { exerciseId: press, reps: 5, weightKg })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const progress = await gw.http().get(`/v1/athletes/${athlete.id}/progress`).query({ exerciseId: press }).set(gw.auth(athlete));
    expect(progress.body.personalRecords.find((r: { kind: string }) => r.kind === 'weight').value).toBe(50);
  });

  test('identical sets racing in two workouts of one athlete make exactly one record of each kind', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const curl = await gw.exerciseNamed(athlete, 'Hammer Curl');
    const [a, b] = [await startWorkout(athlete), await startWorkout(athlete)];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => logSet(athlete, (i % 2 ? a : b).id, { exerciseId: curl, reps: 10, weightKg: 20 })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(results.map((r) => r.body.personalRecord).filter(Boolean)).toHaveLength(1);
    const progress = await gw.http().get(`/v1/athletes/${athlete.id}/progress`).query({ exerciseId: curl }).set(gw.auth(athlete));
    expect(progress.body.personalRecords.map((r: { kind: string }) => r.kind).sort()).toEqual(['e1rm', 'reps', 'weight']);
    expect(new Set(progress.body.personalRecords.map((r: { setId: string }) => r.setId)).size).toBe(1);
  });

  test('bad set input is a 422 and changes nothing', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const bench = await gw.exerciseNamed(athlete, 'Barbell Bench');
    const workout = await startWorkout(athlete);
    for (const body of [
      { exerciseId: bench, reps: -1, weightKg: 50 },
      { exerciseId: bench, reps: 1001, weightKg: 50 },
      { exerciseId: bench, reps: 5, weightKg: 1000.5 },
      { exerciseId: bench, reps: 5.5, weightKg: 50 },
      { exerciseId: bench, reps: 5, weightKg: 50, rpe: 11 },
      { exerciseId: bench, reps: 5, weightKg: 50, athleteId: athlete.id },
      { exerciseId: 'nope', reps: 5, weightKg: 50 },
      { exerciseId: randomUUID(), reps: 5, weightKg: 50 },
      { exerciseId: bench, reps: 5, weightKg: 50, plannedSetId: randomUUID() },
      { reps: 5, weightKg: 50 },
    ]) {
      const res = await logSet(athlete, workout.id, body);
      expect([res.status, res.body.code]).toEqual([422, 'VALIDATION_FAILED']);
    }
    expect((await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete))).body.sets).toEqual([]);
    expect((await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ dayIndex: 0 })).status).toBe(422);
    expect((await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ programId: randomUUID() })).status).toBe(422);
    expect((await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ status: 'completed' })).status).toBe(422);
  });

  test("athletes see and write only their own workouts; coaches act for any athlete; another tenant's workout is 404", async () => {
    const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
    const bench = await gw.exerciseNamed(athlete, 'Barbell Bench');
    const mine = await startWorkout(athlete);
    const forAthlete = await startWorkout(coach, { athleteId: athlete2.id, title: 'Coached' });
    expect(forAthlete.athleteId).toBe(athlete2.id);
    expect((await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ athleteId: athlete2.id })).status).toBe(403);

    expect((await gw.http().get(`/v1/workouts/${mine.id}`).set(gw.auth(athlete2))).status).toBe(403);
    expect((await logSet(athlete2, mine.id, { exerciseId: bench, reps: 5, weightKg: 50 })).status).toBe(403);
    expect((await gw.http().post(`/v1/workouts/${mine.id}/complete`).set(gw.auth(athlete2))).status).toBe(403);
    expect((await logSet(coach, mine.id, { exerciseId: bench, reps: 5, weightKg: 50 })).status).toBe(201);

    const own = await gw.http().get('/v1/workouts').set(gw.auth(athlete2));
    expect(own.body.items.map((w: { id: string }) => w.id)).toEqual([forAthlete.id]);
    expect((await gw.http().get('/v1/workouts').query({ athleteId: athlete.id }).set(gw.auth(athlete2))).status).toBe(403);
    const coachView = await gw.http().get('/v1/workouts').query({ athleteId: athlete.id, status: 'in_progress' }).set(gw.auth(coach));
    expect(coachView.body.items.map((w: { id: string }) => w.id)).toEqual([mine.id]);
    expect((await gw.http().get(`/v1/athletes/${athlete.id}/progress`).set(gw.auth(athlete2))).status).toBe(403);
    expect((await gw.http().get(`/v1/athletes/${athlete.id}/progress`).set(gw.auth(coach))).status).toBe(200);

    const outsider = await gw.signup();
    expect((await gw.http().get(`/v1/workouts/${mine.id}`).set(gw.auth(outsider))).status).toBe(404);
    const crossLog = await logSet(outsider, mine.id, { bogus: 1 });
    expect([crossLog.status, crossLog.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await gw.http().post(`/v1/workouts/${mine.id}/complete`).set(gw.auth(outsider))).status).toBe(404);
    expect((await gw.http().get(`/v1/athletes/${athlete.id}/progress`).set(gw.auth(outsider))).status).toBe(404);
    expect((await gw.http().get('/v1/workouts').set(gw.auth(outsider))).body.items).toEqual([]);
  });
});

describe('progress and body metrics', () => {
  test('progress returns standing records, the daily e1RM series and weekly volume', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const squat = await gw.exerciseNamed(athlete, 'Back Squat');
    const bench = await gw.exerciseNamed(athlete, 'Barbell Bench');
    const workout = await startWorkout(athlete);
    await logSet(athlete, workout.id, { exerciseId: squat, reps: 5, weightKg: 100 });
    await logSet(athlete, workout.id, { exerciseId: squat, reps: 3, weightKg: 120 });
    await logSet(athlete, workout.id, { exerciseId: bench, reps: 10, weightKg: 60 });

    const res = await gw.http().get(`/v1/athletes/${athlete.id}/progress`).query({ exerciseId: squat }).set(gw.auth(athlete));
    expect(res.status).toBe(200);
    const records = Object.fromEntries(res.body.personalRecords.map((r: { kind: string; value: number }) => [r.kind, r.value]));
    expect(records).toEqual({ e1rm: 132, weight: 120, reps: 3 });
    expect(res.body.e1rm).toEqual([{ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), exerciseId: squat, value: 132 }]);
    expect(res.body.weeklyVolumeKg).toEqual([{ weekStart: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), value: 860 }]);
    expect(new Date(`${res.body.weeklyVolumeKg[0].weekStart}T00:00:00Z`).getUTCDay()).toBe(1);

    const all = await gw.http().get(`/v1/athletes/${athlete.id}/progress`).set(gw.auth(athlete));
    expect(all.body.weeklyVolumeKg[0].value).toBe(1460);
    expect(all.body.personalRecords).toHaveLength(6);
    expect((await gw.http().get(`/v1/athletes/${athlete.id}/progress`).query({ exerciseId: 'x' }).set(gw.auth(athlete))).status).toBe(422);
  });

  test('body metrics are recorded for the caller and listed newest first; coaches read an athlete’s', async () => {
    const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
    const older = await gw.http().post('/v1/body-metrics').set(gw.auth(athlete)).send({ weightKg: 80.5, bodyFatPct: 15, measuredAt: '2026-03-01T07:00:00.000Z' });
    expect(older.status).toBe(201);
    expect(older.body).toMatchObject({ id: expect.any(String), userId: athlete.id, weightKg: 80.5, bodyFatPct: 15, measuredAt: '2026-03-01T07:00:00.000Z' });
    await gw.http().post('/v1/body-metrics').set(gw.auth(athlete)).send({ weightKg: 79.8, measuredAt: '2026-03-08T07:00:00.000Z' });
    const page1 = await gw.http().get('/v1/body-metrics').query({ limit: 1 }).set(gw.auth(athlete));
    expect(page1.body.items.map((m: { weightKg: number }) => m.weightKg)).toEqual([79.8]);
    const page2 = await gw.http().get('/v1/body-metrics').query({ limit: 1, cursor: page1.body.nextCursor }).set(gw.auth(athlete));
    expect(page2.body.items.map((m: { weightKg: number }) => m.weightKg)).toEqual([80.5]);
    expect(page2.body.nextCursor).toBeNull();

    expect((await gw.http().get('/v1/body-metrics').query({ userId: athlete.id }).set(gw.auth(coach))).body.items).toHaveLength(2);
    expect((await gw.http().get('/v1/body-metrics').query({ userId: athlete.id }).set(gw.auth(athlete2))).status).toBe(403);
    for (const body of [{ weightKg: 0, measuredAt: '2026-03-01T07:00:00Z' }, { weightKg: 80, measuredAt: 'yesterday' }, { weightKg: 80, bodyFatPct: 101, measuredAt: '2026-03-01T07:00:00Z' }, { weightKg: 80, measuredAt: '2026-03-01T07:00:00Z', userId: athlete2.id }]) {
      expect((await gw.http().post('/v1/body-metrics').set(gw.auth(athlete)).send(body)).status).toBe(422);
    }
  });
});

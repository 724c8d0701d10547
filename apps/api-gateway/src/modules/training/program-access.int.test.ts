import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

/** Assignments read back, athletes limited to their programs, and programs changed and deleted. */
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function program(coach: TestUser, name: string, exerciseId: string) {
  const res = await gw.http().post('/v1/programs').set(gw.auth(coach)).send({ name, description: 'Three days', days: [{ name: 'A', exercises: [{ exerciseId, sets: [{ reps: 5, weightKg: 100 }] }] }] });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function assign(coach: TestUser, programId: string, athlete: TestUser, startDate = '2026-12-07') {
  const res = await gw.http().post(`/v1/programs/${programId}/assignments`).set(gw.auth(coach)).send({ athleteId: athlete.id, startDate });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

test("assignments read back: a program's for staff, the caller's own with each program", async () => {
  const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(coach, 'Back Squat');
  const strength = await program(coach, 'Strength', squat);
  const hypertrophy = await program(coach, 'Hypertrophy', squat);
  const first = await assign(coach, strength, athlete);
  const second = await assign(coach, strength, athlete2, '2026-12-14');
  const third = await assign(admin, hypertrophy, athlete);

  const ofProgram = await gw.http().get(`/v1/programs/${strength}/assignments`).set(gw.auth(coach));
  expect(ofProgram.status).toBe(200);
  expect(ofProgram.body).toEqual({
    items: [
      expect.objectContaining({ id: first, programId: strength, athleteId: athlete.id, startDate: '2026-12-07' }),
      expect.objectContaining({ id: second, programId: strength, athleteId: athlete2.id, startDate: '2026-12-14' }),
    ],
    nextCursor: null,
  });
  const paged = await gw.http().get(`/v1/programs/${strength}/assignments`).query({ limit: 1 }).set(gw.auth(admin));
  expect(paged.body.items).toHaveLength(1);
  expect((await gw.http().get(`/v1/programs/${strength}/assignments`).query({ cursor: paged.body.nextCursor }).set(gw.auth(admin))).body.items[0].id).toBe(second);
  expect((await gw.http().get(`/v1/programs/${strength}/assignments`).set(gw.auth(athlete))).status).toBe(403);
  expect((await gw.http().get(`/v1/programs/${strength}/assignments`).query({ limit: 0 }).set(gw.auth(coach))).status).toBe(422);

  const mine = await gw.http().get('/v1/me/assignments').set(gw.auth(athlete));
  expect(mine.status).toBe(200);
  expect(mine.body.items).toEqual([
    expect.objectContaining({ id: first, programId: strength, athleteId: athlete.id, program: expect.objectContaining({ id: strength, name: 'Strength', dayCount: 1 }) }),
    expect.objectContaining({ id: third, programId: hypertrophy, program: expect.objectContaining({ id: hypertrophy, name: 'Hypertrophy' }) }),
  ]);
  expect((await gw.http().get('/v1/me/assignments').set(gw.auth(athlete2))).body.items.map((a: { id: string }) => a.id)).toEqual([second]);

  const other = await gw.signup();
  expect((await gw.http().get(`/v1/programs/${strength}/assignments`).set(gw.auth(other))).status).toBe(404);
  expect((await gw.http().get('/v1/me/assignments').set(gw.auth(other))).body.items).toEqual([]);
});

test('an athlete sees only the programs assigned to them; another is 404, and starting a workout from it 422', async () => {
  const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const bench = await gw.exerciseNamed(coach, 'Barbell Bench');
  const theirs = await program(coach, 'Theirs', bench);
  const notTheirs = await program(coach, 'Not theirs', bench);
  await assign(coach, theirs, athlete);

  expect((await gw.http().get('/v1/programs').set(gw.auth(athlete))).body.items.map((p: { id: string }) => p.id)).toEqual([theirs]);
  expect((await gw.http().get('/v1/programs').set(gw.auth(athlete2))).body.items).toEqual([]);
  expect((await gw.http().get('/v1/programs').set(gw.auth(coach))).body.items.map((p: { id: string }) => p.id)).toEqual([theirs, notTheirs]);
  expect((await gw.http().get(`/v1/programs/${theirs}`).set(gw.auth(athlete))).status).toBe(200);
  const hidden = await gw.http().get(`/v1/programs/${notTheirs}`).set(gw.auth(athlete));
  expect(hidden.status).toBe(404);
  expect(hidden.body.code).toBe('NOT_FOUND');
  expect((await gw.http().get(`/v1/programs/${theirs}`).set(gw.auth(athlete2))).status).toBe(404);
  expect((await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ programId: notTheirs })).status).toBe(422);
  expect((await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ programId: theirs })).status).toBe(201);
});

test('coaches change a program (days sent replace its days) and delete it; logged workouts stay', async () => {
  const { admin, coach, athlete } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(coach, 'Back Squat');
  const press = await gw.exerciseNamed(coach, 'Overhead Press');
  const programId = await program(coach, 'Base', squat);
  await assign(coach, programId, athlete);
  const workout = (await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ programId, dayIndex: 0 })).body;
  expect((await gw.http().post(`/v1/workouts/${workout.id}/sets`).set(gw.auth(athlete)).send({ exerciseId: squat, reps: 5, weightKg: 100, plannedSetId: workout.plannedSets[0].id })).status).toBe(201);

  const renamed = await gw.http().patch(`/v1/programs/${programId}`).set(gw.auth(coach)).send({ name: 'Base 2' });
  expect(renamed.status).toBe(200);
  expect(renamed.body).toMatchObject({ id: programId, name: 'Base 2', description: 'Three days', days: [{ index: 0, name: 'A', exercises: [{ exerciseId: squat }] }] });
  const redone = await gw
    .http()
    .patch(`/v1/programs/${programId}`)
    .set(gw.auth(admin))
    .send({ days: [{ name: 'Press', exercises: [{ exerciseId: press, sets: [{ reps: 8 }, { reps: 8 }] }] }, { name: 'Rest', exercises: [] }] });
  expect(redone.status).toBe(200);
  expect(redone.body.days).toEqual([
    { index: 0, name: 'Press', exercises: [{ exerciseId: press, sets: [expect.objectContaining({ reps: 8 }), expect.objectContaining({ reps: 8 })] }] },
    { index: 1, name: 'Rest', exercises: [] },
  ]);
  expect((await gw.http().get(`/v1/programs/${programId}`).set(gw.auth(athlete))).body.name).toBe('Base 2');

  expect((await gw.http().patch(`/v1/programs/${programId}`).set(gw.auth(athlete)).send({ name: 'Mine' })).status).toBe(403);
  expect((await gw.http().delete(`/v1/programs/${programId}`).set(gw.auth(athlete))).status).toBe(403);
  const bad = await gw.http().patch(`/v1/programs/${programId}`).set(gw.auth(coach)).send({ name: '', days: [] });
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['name', 'days']));
  const other = await gw.signup();
  expect((await gw.http().patch(`/v1/programs/${programId}`).set(gw.auth(other)).send({ name: 'x' })).status).toBe(404);
  expect((await gw.http().delete(`/v1/programs/${programId}`).set(gw.auth(other))).status).toBe(404);

  expect((await gw.http().delete(`/v1/programs/${programId}`).set(gw.auth(coach))).status).toBe(204);
  expect((await gw.http().get(`/v1/programs/${programId}`).set(gw.auth(coach))).status).toBe(404);
  expect((await gw.http().get('/v1/me/assignments').set(gw.auth(athlete))).body.items).toEqual([]);
  const kept = await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete));
  expect(kept.status).toBe(200);
  expect(kept.body).toMatchObject({ programId: null, plannedSets: [expect.objectContaining({ exerciseId: squat })], sets: [expect.objectContaining({ reps: 5, weightKg: 100 })] });
  expect((await gw.http().delete(`/v1/programs/${programId}`).set(gw.auth(coach))).status).toBe(404);
});

test('a program a product sells cannot be deleted (409); a subscription that includes a deleted program drops it', async () => {
  const { coach } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(coach, 'Back Squat');
  const sold = await program(coach, 'Sold', squat);
  const included = await program(coach, 'Included', squat);
  const product = await gw.http().post('/v1/products').set(gw.auth(coach)).send({ name: 'Sold program', kind: 'program', priceCents: 2900, currency: 'usd', programId: sold });
  expect(product.status).toBe(201);
  const subscription = await gw
    .http()
    .post('/v1/products')
    .set(gw.auth(coach))
    .send({ name: 'Membership', kind: 'subscription', priceCents: 4900, currency: 'usd', interval: 'month', programIds: [sold, included] });
  expect(subscription.status).toBe(201);

  const refused = await gw.http().delete(`/v1/programs/${sold}`).set(gw.auth(coach));
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('CONFLICT');
  expect((await gw.http().get(`/v1/programs/${sold}`).set(gw.auth(coach))).status).toBe(200);

  expect((await gw.http().delete(`/v1/programs/${included}`).set(gw.auth(coach))).status).toBe(204);
  const products = (await gw.http().get('/v1/products').set(gw.auth(coach))).body.items as { id: string; programIds?: string[] }[];
  expect(products.find((p) => p.id === subscription.body.id)?.programIds).toEqual([sold]);
});

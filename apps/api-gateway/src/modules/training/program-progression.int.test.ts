import { startGateway, type Gateway } from '../../testing/gateway-harness';

/** A program carries a progression rule per exercise when it was given one (generated programs always are), and none otherwise. */
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

test('a progression written with an exercise is shown by GET; an exercise without one shows none', async () => {
  const { coach } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(coach, 'Back Squat');
  const curl = await gw.exerciseNamed(coach, 'Hammer Curl');
  const progression = { type: 'double_progression', repRange: { min: 8, max: 12 }, incrementKg: 2.5, deload: { everyWeeks: 5, loadPercent: 90, setsPercent: 50 } };
  const created = await gw
    .http()
    .post('/v1/programs')
    .set(gw.auth(coach))
    .send({ name: 'Legs and arms', days: [{ name: 'A', exercises: [{ exerciseId: squat, progression, sets: [{ reps: 8 }, { reps: 8 }] }, { exerciseId: curl, sets: [{ reps: 10 }] }] }] });
  expect(created.status).toBe(201);
  const fetched = await gw.http().get(`/v1/programs/${created.body.id}`).set(gw.auth(coach));
  const [withRule, without] = fetched.body.days[0].exercises;
  expect(withRule.progression).toEqual(progression);
  expect(without).not.toHaveProperty('progression');
  expect(created.body.days).toEqual(fetched.body.days);
});

test('a malformed progression is 422 at its path and writes nothing', async () => {
  const { coach } = await gw.tenantWithTeam();
  const squat = await gw.exerciseNamed(coach, 'Back Squat');
  const bad = [
    { type: 'sometimes' },
    { type: 'linear', incrementKg: 2.5 },
    { type: 'double_progression', repRange: { min: 12, max: 8 }, incrementKg: 2.5, deload: { everyWeeks: 4, loadPercent: 90, setsPercent: 50 } },
    { type: 'linear', incrementKg: 2.5, deload: { loadPercent: 90, setsPercent: 100 } },
  ];
  for (const progression of bad) {
    const res = await gw.http().post('/v1/programs').set(gw.auth(coach)).send({ name: 'Bad', days: [{ name: 'A', exercises: [{ exerciseId: squat, progression, sets: [{ reps: 5 }] }] }] });
    expect({ progression, status: res.status }).toEqual({ progression, status: 422 });
    expect(res.body.errors[0].path).toMatch(/^days\.0\.exercises\.0\.progression/);
  }
  expect((await gw.http().get('/v1/programs').set(gw.auth(coach))).body.items).toEqual([]);
});

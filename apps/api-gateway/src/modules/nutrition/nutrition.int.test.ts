import { startGateway, type Gateway } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

const profile = { sex: 'male', age: 30, heightCm: 180, weightKg: 80, activity: 'moderate', goal: 'maintain' };

test('a member gets the Mifflin-St Jeor targets of a profile', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const res = await gw.http().post('/v1/nutrition/targets').set(gw.auth(athlete)).send(profile);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ calories: 2759, proteinG: 128, carbsG: 389, fatG: 77, method: 'mifflin-st-jeor' });
  const lose = await gw.http().post('/v1/nutrition/targets').set(gw.auth(athlete)).send({ ...profile, goal: 'lose' });
  const gain = await gw.http().post('/v1/nutrition/targets').set(gw.auth(athlete)).send({ ...profile, goal: 'gain' });
  expect(lose.body.calories).toBeLessThan(2759);
  expect(gain.body.calories).toBeGreaterThan(2759);
});

test.each([
  ['age under 18', { age: 17 }],
  ['age over 100', { age: 101 }],
  ['fractional age', { age: 30.5 }],
  ['height too small', { heightCm: 99 }],
  ['height too large', { heightCm: 251 }],
  ['weight too small', { weightKg: 29 }],
  ['weight too large', { weightKg: 301 }],
  ['weight as text', { weightKg: '80' }],
  ['unknown activity', { activity: 'extreme' }],
  ['unknown goal', { goal: 'bulk' }],
  ['unknown sex', { sex: 'other' }],
  ['unknown field', { bodyFatPct: 20 }],
])('%s is 422', async (_name, change) => {
  const admin = await gw.signup();
  const res = await gw.http().post('/v1/nutrition/targets').set(gw.auth(admin)).send({ ...profile, ...change });
  expect(res.status).toBe(422);
  expect(res.body.code).toBe('VALIDATION_FAILED');
});

test('a missing field is 422 and no token is 401', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const withoutGoal = Object.fromEntries(Object.entries(profile).filter(([key]) => key !== 'goal'));
  expect((await gw.http().post('/v1/nutrition/targets').set(gw.auth(athlete)).send(withoutGoal)).status).toBe(422);
  expect((await gw.http().post('/v1/nutrition/targets').send(profile)).status).toBe(401);
});

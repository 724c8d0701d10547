import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { encodeCursor } from '@coachline/db/pagination';
import { createRoutes } from '../routes';
import { randomTestIp, startGateway, type Gateway } from '../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const NUL_TEXT = 'long enough text\u0000 for every bound';
const controlError = (path: string) => expect.objectContaining({ path, message: 'Control characters are not allowed' });

/** The top-level fields of a body schema that take text, found by offering each one a plain string. */
function textFields(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) return [];
  return Object.entries(shape)
    .filter(([, field]) => field.safeParse('long enough text for every bound').success || field.safeParse('2026-03-29T07:00:00.000Z').success || field.safeParse(randomUUID()).success)
    .map(([name]) => name);
}

describe('control characters in input', () => {
  test('every route that takes a body answers 422 naming the field for a NUL in any of its text fields, never 500', async () => {
    const team = await gw.tenantWithTeam();
    const { admin } = team;
    const exercise = (await gw.http().get('/v1/exercises?limit=1').set(gw.auth(admin))).body.items[0];
    const program = await gw.http().post('/v1/programs').set(gw.auth(admin)).send({ name: 'P', days: [{ name: 'D', exercises: [{ exerciseId: exercise.id, sets: [{ reps: 5 }] }] }] });
    const workout = await gw.http().post('/v1/workouts').set(gw.auth(admin)).send({ athleteId: team.athlete.id });
    const space = await gw.http().post('/v1/spaces').set(gw.auth(admin)).send({ name: 'S' });
    const post = await gw.http().post(`/v1/spaces/${space.body.id}/posts`).set(gw.auth(admin)).send({ body: 'hello' });
    const conversation = await gw.http().post('/v1/conversations').set(gw.auth(admin)).send({ userId: team.coach.id });
    // Each path names a resource the admin can reach, so the body is judged rather than a 404 answered.
    const ids: Record<string, string | undefined> = {
      coaches: team.coach.id,
      programs: program.body.id,
      workouts: workout.body.id,
      spaces: space.body.id,
      posts: post.body.id,
      conversations: conversation.body.id,
    };
    const routes = createRoutes(gw.deps).filter((r) => ['post', 'put', 'patch'].includes(r.method) && r.body);
    const judged: string[] = [];
    for (const definition of routes) {
      const resource = /^\/v1\/([^/]+)\/:id/.exec(definition.path)?.[1];
      const id = resource ? ids[resource] : undefined;
      if (resource && !id) continue;
      const path = definition.path.replace(':id', id ?? '').replace(/:\w+/g, randomUUID());
      for (const field of textFields(definition.body as z.ZodType)) {
        const res = await gw.http()[definition.method as 'post'](path).set(gw.auth(admin)).set('x-forwarded-for', randomTestIp()).send({ [field]: NUL_TEXT });
        expect({ route: `${definition.method} ${definition.path}`, field, status: res.status }).toEqual({ route: `${definition.method} ${definition.path}`, field, status: 422 });
        expect(res.body.errors).toContainEqual(controlError(field));
        judged.push(`${definition.path} ${field}`);
      }
    }
    expect(judged.length).toBeGreaterThanOrEqual(30);
  });

  test('a control character in a key or nested text is named by its path', async () => {
    const admin = await gw.signup();
    const res = await gw.http().post('/v1/programs').set(gw.auth(admin)).send({ name: 'P', days: [{ name: 'D\u0007', exercises: [] }], 'x\u001b': 1 });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(expect.arrayContaining([controlError('days.0.name'), controlError('x\u001b')]));
  });

  test('a NUL in a query parameter is 422', async () => {
    const admin = await gw.signup();
    const res = await gw.http().get('/v1/exercises?q=sq%00uat').set(gw.auth(admin));
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(controlError('query.q'));
  });

  test('a login with a NUL in the password is 422, not a 500 from the database', async () => {
    const res = await gw.http().post('/v1/auth/login').set('x-forwarded-for', randomTestIp()).send({ email: 'a@example.com', password: 'pass\u0000word123' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(controlError('password'));
  });
});

describe('dates outside 1900..2100', () => {
  test('body metrics, assignments, time-off, slots and sessions refuse years 0000 and 9999', async () => {
    const team = await gw.tenantWithTeam();
    const { admin, coach, athlete } = team;
    const exercise = (await gw.http().get('/v1/exercises?limit=1').set(gw.auth(admin))).body.items[0];
    const program = await gw.http().post('/v1/programs').set(gw.auth(admin)).send({ name: 'P', days: [{ name: 'D', exercises: [{ exerciseId: exercise.id, sets: [{ reps: 5 }] }] }] });
    for (const year of ['0000', '9999']) {
      const at = `${year}-01-01T00:00:00.000Z`;
      const requests = [
        gw.http().post('/v1/body-metrics').set(gw.auth(athlete)).send({ weightKg: 80, measuredAt: at }),
        gw.http().post(`/v1/programs/${program.body.id}/assignments`).set(gw.auth(admin)).send({ athleteId: athlete.id, startDate: `${year}-01-01` }),
        gw.http().post(`/v1/coaches/${coach.id}/time-off`).set(gw.auth(admin)).send({ start: at, end: `${year}-01-02T00:00:00.000Z` }),
        gw.http().get(`/v1/coaches/${coach.id}/slots?from=${at}&to=${year}-01-02T00:00:00.000Z`).set(gw.auth(admin)),
        gw.http().post('/v1/sessions').set(gw.auth(admin)).send({ coachId: coach.id, athleteId: athlete.id, start: at }),
        gw.http().get(`/v1/sessions?from=${at}`).set(gw.auth(admin)),
      ];
      for (const res of await Promise.all(requests)) expect({ year, url: (res as unknown as { req: { path: string } }).req.path, status: res.status }).toEqual({ year, url: (res as unknown as { req: { path: string } }).req.path, status: 422 });
    }
  });

  test('a cursor whose time is outside the years is 422, never a database error', async () => {
    const team = await gw.tenantWithTeam();
    for (const at of ['0000-01-01T00:00:00.000Z', '9999-12-31T00:00:00.000Z']) {
      const cursor = encodeCursor({ id: randomUUID(), at });
      for (const path of ['/v1/sessions', '/v1/body-metrics']) {
        const res = await gw.http().get(`${path}?cursor=${cursor}`).set(gw.auth(team.athlete));
        expect({ path, at, status: res.status }).toEqual({ path, at, status: 422 });
      }
    }
  });
});

import { randomUUID } from 'node:crypto';
import { eventually } from '@coachline/testing/eventually';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** API.md: a role change or a removal reaches access tokens already issued within 5 s. */
const WITHIN = 5_000;

const patchRole = (by: TestUser, userId: string, body: unknown) => gw.http().patch(`/v1/members/${userId}`).set(gw.auth(by)).send(body as object);
const remove = (by: TestUser, userId: string) => gw.http().delete(`/v1/members/${userId}`).set(gw.auth(by));
const newExercise = (user: TestUser) => gw.http().post('/v1/exercises').set(gw.auth(user)).send({ name: `Press ${randomUUID().slice(0, 6)}`, category: 'push', primaryMuscle: 'chest' });
const adminsOf = async (admin: TestUser) => {
  const res = await gw.http().get('/v1/members?limit=100').set(gw.auth(admin));
  return (res.body.items as { userId: string; role: string }[]).filter((m) => m.role === 'ADMIN').map((m) => m.userId);
};

describe('role changes', () => {
  test("an ADMIN changes a member's role; the member's token already issued is refused what the new role may not do within 5 s", async () => {
    const { admin, coach } = await gw.tenantWithTeam();
    expect((await newExercise(coach)).status).toBe(201);
    const res = await patchRole(admin, coach.id, { role: 'ATHLETE' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: coach.id, name: coach.name, email: coach.email, role: 'ATHLETE' });
    await eventually(async () => (await newExercise(coach)).status === 403, 'the demoted coach to be refused exercise:write', WITHIN);
    // What athletes may do still works, and the member reads their new role.
    const me = await gw.http().get('/v1/me').set(gw.auth(coach));
    expect(me.body).toMatchObject({ role: 'ATHLETE' });
    expect(me.body.permissions).not.toContain('exercise:write');
    expect((await gw.http().get('/v1/members').set(gw.auth(admin))).body.items).toContainEqual({ userId: coach.id, name: coach.name, email: coach.email, role: 'ATHLETE' });
  });

  test('a promotion reaches tokens already issued the same way', async () => {
    const { admin, athlete, athlete2 } = await gw.tenantWithTeam();
    expect((await patchRole(athlete, athlete2.id, { role: 'COACH' })).status).toBe(403);
    expect((await patchRole(admin, athlete.id, { role: 'ADMIN' })).status).toBe(200);
    await eventually(async () => (await patchRole(athlete, athlete2.id, { role: 'COACH' })).status === 200, 'the promoted athlete to manage members', WITHIN);
  });

  test('the change is audited with who did it, from what to what', async () => {
    const { admin, coach } = await gw.tenantWithTeam();
    await patchRole(admin, coach.id, { role: 'SCHEDULER' }).expect(200);
    const audit = await gw.http().get('/v1/admin/audit-events?limit=1').set(gw.auth(admin));
    expect(audit.body.items[0]).toMatchObject({ action: 'member.role_changed', actorId: admin.id, entityType: 'member', entityId: coach.id, summary: { from: 'COACH', to: 'SCHEDULER' } });
  });

  test('only ADMINs change roles; unknown and other tenants\' members are 404, before the body is judged; bad input is 422', async () => {
    const { admin, coach, athlete } = await gw.tenantWithTeam();
    const other = await gw.tenantWithTeam();
    expect((await patchRole(coach, athlete.id, { role: 'COACH' })).status).toBe(403);
    expect((await patchRole(athlete, athlete.id, { role: 'ADMIN' })).status).toBe(403);
    for (const userId of [randomUUID(), other.coach.id, other.admin.id, 'not-a-uuid']) {
      const res = await patchRole(admin, userId, { role: 'nonsense' });
      expect({ userId, status: res.status, code: res.body.code }).toEqual({ userId, status: 404, code: 'NOT_FOUND' });
    }
    for (const body of [{}, { role: 'OWNER' }, { role: 'ADMIN', tenantId: other.admin.tenantId }, { role: null }]) {
      const res = await patchRole(admin, coach.id, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 422, code: 'VALIDATION_FAILED' });
    }
    // The other tenant's member is untouched.
    expect((await gw.http().get('/v1/me').set(gw.auth(other.coach))).body.role).toBe('COACH');
  });
});

describe('removal', () => {
  test("a removed member's tokens already issued are 401 within 5 s, their refresh tokens are revoked and they are no longer listed", async () => {
    const { admin, coach } = await gw.tenantWithTeam();
    expect((await gw.http().get('/v1/me').set(gw.auth(coach))).status).toBe(200);
    expect((await remove(admin, coach.id)).status).toBe(204);
    await eventually(async () => (await gw.http().get('/v1/me').set(gw.auth(coach))).status === 401, 'the removed member to be refused', WITHIN);
    expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: coach.refreshToken })).status).toBe(401);
    expect((await gw.http().post('/v1/auth/login').send({ email: coach.email, password: coach.password })).status).toBe(401);
    const members = (await gw.http().get('/v1/members').set(gw.auth(admin))).body.items as { userId: string }[];
    expect(members.map((m) => m.userId)).not.toContain(coach.id);
    const audit = await gw.http().get('/v1/admin/audit-events?limit=1').set(gw.auth(admin));
    expect(audit.body.items[0]).toMatchObject({ action: 'member.removed', actorId: admin.id, entityType: 'member', entityId: coach.id, summary: { role: 'COACH' } });
    expect((await remove(admin, coach.id)).status).toBe(404);
  });

  test('a removed member keeps their other tenants, and may be invited back', async () => {
    const { admin, athlete } = await gw.tenantWithTeam();
    const home = await gw.signup();
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(home)).send({ email: athlete.email, role: 'COACH' });
    await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'x', password: athlete.password }).expect(201);
    await remove(admin, athlete.id).expect(204);
    const login = await gw.http().post('/v1/auth/login').send({ email: athlete.email, password: athlete.password });
    expect(login.body).toMatchObject({ tenant: { id: home.tenantId }, role: 'COACH' });
    expect((await gw.http().post('/v1/auth/login').send({ email: athlete.email, password: athlete.password, tenantId: admin.tenantId })).status).toBe(401);
    // Back in: the same membership, whose row the athlete's history still references, becomes current again.
    const again = await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email: athlete.email, role: 'ATHLETE' });
    expect(again.status).toBe(201);
    const accepted = await gw.http().post('/v1/invitations/accept').send({ token: again.body.token, name: 'x', password: athlete.password });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ user: { id: athlete.id }, tenant: { id: admin.tenantId }, role: 'ATHLETE' });
    expect((await gw.http().get('/v1/me').set('authorization', `Bearer ${accepted.body.accessToken}`)).status).toBe(200);
  });

  test("only ADMINs remove; unknown and other tenants' members are 404", async () => {
    const { admin, coach, athlete } = await gw.tenantWithTeam();
    const other = await gw.tenantWithTeam();
    expect((await remove(coach, athlete.id)).status).toBe(403);
    for (const userId of [randomUUID(), other.athlete.id, other.admin.id]) expect((await remove(admin, userId)).status).toBe(404);
    expect((await gw.http().get('/v1/me').set(gw.auth(other.athlete))).status).toBe(200);
  });
});

describe('the last ADMIN', () => {
  test('cannot be demoted or removed (409); with a second ADMIN either can', async () => {
    const { admin, coach } = await gw.tenantWithTeam();
    for (const res of [await patchRole(admin, admin.id, { role: 'COACH' }), await remove(admin, admin.id)]) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'CONFLICT' });
    }
    await patchRole(admin, coach.id, { role: 'ADMIN' }).expect(200);
    expect((await patchRole(admin, admin.id, { role: 'COACH' })).status).toBe(200);
    expect(await adminsOf(coach)).toEqual([coach.id]);
    expect((await remove(coach, coach.id)).status).toBe(409);
  });

  test('two ADMINs demoting or removing each other at once leave one ADMIN, never none', async () => {
    for (let round = 0; round < 4; round++) {
      const { admin, coach } = await gw.tenantWithTeam();
      await patchRole(admin, coach.id, { role: 'ADMIN' }).expect(200);
      const second = { ...coach, role: 'ADMIN' as const };
      const race =
        round % 2 === 0
          ? await Promise.all([patchRole(admin, second.id, { role: 'COACH' }), patchRole(second, admin.id, { role: 'COACH' })])
          : await Promise.all([remove(admin, second.id), remove(second, admin.id)]);
      const statuses = race.map((res) => res.status);
      // The loser is refused as the last ADMIN (409), or as no ADMIN any more (403, 401) when its token's check saw the winner's change.
      expect(statuses.filter((status) => status === 200 || status === 204)).toHaveLength(1);
      expect([401, 403, 409]).toContain(statuses.find((status) => status !== 200 && status !== 204));
      const survivor = statuses[0] === 200 || statuses[0] === 204 ? admin : second;
      expect(await adminsOf(survivor)).toEqual([survivor.id]);
    }
  });
});

import { eventually } from '@coachline/testing/eventually';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const newPassword = 'a brand new passphrase';
const change = (user: { accessToken: string }, body: unknown) => gw.http().post('/v1/me/password').set(gw.auth(user)).send(body as object);
const login = (user: TestUser, password: string, tenantId?: string) => gw.http().post('/v1/auth/login').send({ email: user.email, password, ...(tenantId ? { tenantId } : {}) });
const refresh = (refreshToken: string) => gw.http().post('/v1/auth/refresh').send({ refreshToken });
const me = (accessToken: string) => gw.http().get('/v1/me').set('authorization', `Bearer ${accessToken}`);

describe('changing the password', () => {
  test("ends the caller's other sessions, tokens already issued included, and keeps the one they act in", async () => {
    const admin = await gw.signup();
    const other = (await login(admin, admin.password)).body as { accessToken: string; refreshToken: string };
    expect((await me(other.accessToken)).status).toBe(200);

    expect((await change(admin, { currentPassword: admin.password, newPassword })).status).toBe(204);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    await eventually(async () => (await me(other.accessToken)).status === 401, "the other session's access token to be refused", 5_000);
    // The caller's own session lives on, refresh included.
    expect((await me(admin.accessToken)).status).toBe(200);
    const rotated = await refresh(admin.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await me(rotated.body.accessToken as string)).status).toBe(200);

    expect((await login(admin, admin.password)).status).toBe(401);
    expect((await login(admin, newPassword)).status).toBe(200);
    const audit = await gw.http().get('/v1/admin/audit-events?limit=2').set(gw.auth(admin));
    expect(audit.body.items[1]).toMatchObject({ action: 'password.changed', actorId: admin.id, entityId: admin.id, summary: { sessionsEnded: 1 } });
    expect(JSON.stringify(audit.body)).not.toContain(newPassword);
  });

  test("ends the account's sessions in its other tenants too", async () => {
    const first = await gw.signup();
    const second = await gw.signup();
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(second)).send({ email: first.email, role: 'COACH' });
    const joined = await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'x', password: first.password });
    expect(joined.body.tenant.id).toBe(second.tenantId);
    expect((await change(first, { currentPassword: first.password, newPassword })).status).toBe(204);
    expect((await refresh(joined.body.refreshToken as string)).status).toBe(401);
    expect((await refresh(first.refreshToken)).status).toBe(200);
  });

  test('a wrong current password is 401 and changes nothing; bad input is 422', async () => {
    const admin = await gw.signup();
    const other = (await login(admin, admin.password)).body as { refreshToken: string };
    const wrong = await change(admin, { currentPassword: 'not the password', newPassword });
    expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await refresh(other.refreshToken)).status).toBe(200);
    expect((await login(admin, admin.password)).status).toBe(200);
    for (const body of [{}, { currentPassword: admin.password }, { currentPassword: admin.password, newPassword: 'short' }, { currentPassword: admin.password, newPassword: 'x'.repeat(257) }, { currentPassword: admin.password, newPassword, userId: admin.id }]) {
      const res = await change(admin, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 422, code: 'VALIDATION_FAILED' });
    }
    expect((await gw.http().post('/v1/me/password').send({ currentPassword: admin.password, newPassword })).status).toBe(401);
  });
});

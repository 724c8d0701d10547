import { createHmac, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import jwt from 'jsonwebtoken';
import { startGateway, type Gateway } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const password = 'a long enough password';
const newEmail = () => `person-${randomUUID()}@example.com`;

describe('signup and login', () => {
  test('signup creates the tenant, its ADMIN and a session', async () => {
    const email = newEmail();
    const res = await gw.http().post('/v1/auth/signup').send({ organizationName: 'Iron Temple', name: 'Ada', email, password });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ user: { id: expect.any(String), email, name: 'Ada' }, tenant: { id: expect.any(String), name: 'Iron Temple' }, role: 'ADMIN', expiresIn: 900 });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    const me = await gw.http().get('/v1/me').set('authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: res.body.user.id }, tenant: { id: res.body.tenant.id }, role: 'ADMIN' });
    expect(me.body.permissions).toEqual(expect.arrayContaining(['workout:write', 'analytics:read', 'audit:read']));
  });

  test('an email registered already is a 409, whatever its case', async () => {
    const email = newEmail();
    await gw.http().post('/v1/auth/signup').send({ organizationName: 'One', name: 'A', email, password }).expect(201);
    const again = await gw.http().post('/v1/auth/signup').send({ organizationName: 'Two', name: 'B', email: email.toUpperCase(), password });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  test('passwords must be 10..256 characters; a 1 MB password is refused before hashing', async () => {
    for (const pw of ['short', 'x'.repeat(257)]) {
      const res = await gw.http().post('/v1/auth/signup').send({ organizationName: 'O', name: 'N', email: newEmail(), password: pw });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe('password');
    }
    const huge = await gw.http().post('/v1/auth/login').send({ email: newEmail(), password: 'p'.repeat(1_000_000) });
    expect(huge.status).toBe(422);
  });

  test('login answers an unknown email and a wrong password with the same body', async () => {
    const admin = await gw.signup();
    const wrong = await gw.http().post('/v1/auth/login').send({ email: admin.email, password: 'not the password' });
    const unknown = await gw.http().post('/v1/auth/login').send({ email: newEmail(), password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    const ok = await gw.http().post('/v1/auth/login').send({ email: admin.email, password: admin.password });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user: { id: admin.id }, tenant: { id: admin.tenantId }, role: 'ADMIN' });
  });

  test('a person in several tenants logs into the oldest membership unless tenantId says otherwise', async () => {
    const first = await gw.signup();
    const second = await gw.signup();
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(second)).send({ email: first.email, role: 'COACH' });
    expect(invite.status).toBe(201);
    const accepted = await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'ignored', password: first.password });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ user: { id: first.id, name: first.name }, tenant: { id: second.tenantId }, role: 'COACH' });

    const oldest = await gw.http().post('/v1/auth/login').send({ email: first.email, password: first.password });
    expect(oldest.body.tenant.id).toBe(first.tenantId);
    const chosen = await gw.http().post('/v1/auth/login').send({ email: first.email, password: first.password, tenantId: second.tenantId });
    expect(chosen.body).toMatchObject({ tenant: { id: second.tenantId }, role: 'COACH' });
    const foreign = await gw.http().post('/v1/auth/login').send({ email: first.email, password: first.password, tenantId: randomUUID() });
    expect(foreign.status).toBe(401);
  });
});

describe('access tokens', () => {
  const secret = () => gw.deps.config.JWT_SECRET;
  const claims = (user: { id: string; tenantId: string }) => ({ sub: user.id, tid: user.tenantId, role: 'ADMIN', iss: gw.deps.config.JWT_ISSUER, aud: gw.deps.config.JWT_AUDIENCE });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  test('missing, alg:none, foreign-key, tampered and expired tokens are all 401', async () => {
    const admin = await gw.signup();
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(admin), exp: now + 600 })}.`;
    const otherKey = jwt.sign({ ...claims(admin) }, 'another-secret-that-is-long-enough-000000', { algorithm: 'HS256', expiresIn: 600 });
    const [h, , s] = admin.accessToken.split('.');
    const tampered = `${h}.${b64({ ...claims(admin), role: 'ADMIN', tid: randomUUID(), exp: now + 600 })}.${s}`;
    const expired = jwt.sign({ ...claims(admin), exp: now - 10 }, secret(), { algorithm: 'HS256' });
    const hs512 = jwt.sign({ ...claims(admin) }, secret(), { algorithm: 'HS512', expiresIn: 600 });
    const wrongAudience = jwt.sign({ ...claims(admin), aud: 'someone-else' }, secret(), { algorithm: 'HS256', expiresIn: 600 });
    for (const [name, header] of [
      ['missing', undefined],
      ['not bearer', `Basic ${admin.accessToken}`],
      ['alg none', `Bearer ${none}`],
      ['other key', `Bearer ${otherKey}`],
      ['tampered', `Bearer ${tampered}`],
      ['expired', `Bearer ${expired}`],
      ['HS512', `Bearer ${hs512}`],
      ['audience', `Bearer ${wrongAudience}`],
    ] as const) {
      const req = gw.http().get('/v1/me');
      const res = header ? await req.set('authorization', header) : await req;
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 401, code: 'UNAUTHENTICATED' });
    }
    // The HMAC really is the gate: the same payload signed correctly is accepted.
    const good = `${h}.${b64({ ...claims(admin), exp: now + 600 })}`;
    const sig = createHmac('sha256', secret()).update(good).digest('base64url');
    expect((await gw.http().get('/v1/me').set('authorization', `Bearer ${good}.${sig}`)).status).toBe(200);
  });
});

describe('refresh tokens', () => {
  /** Moves every spent token of the tenant 11 s into the past, as if the grace window had passed. */
  const pastGraceWindow = (tenantId: string) =>
    gw.deps.db.withTenant({ tenantId }, (tx) => tx.execute(sql`UPDATE refresh_tokens SET spent_at = spent_at - interval '11 seconds' WHERE spent_at IS NOT NULL`));

  test('rotate on use; a spent token presented again revokes the whole family', async () => {
    const admin = await gw.signup();
    const first = await gw.http().post('/v1/auth/refresh').send({ refreshToken: admin.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect(first.body.refreshToken).not.toBe(admin.refreshToken);

    await pastGraceWindow(admin.tenantId);
    const replay = await gw.http().post('/v1/auth/refresh').send({ refreshToken: admin.refreshToken });
    expect(replay.status).toBe(401);
    // The thief's rotation and the victim's both die with the family, access tokens included.
    const afterRevoke = await gw.http().post('/v1/auth/refresh').send({ refreshToken: first.body.refreshToken });
    expect(afterRevoke.status).toBe(401);
    expect((await gw.http().get('/v1/me').set('authorization', `Bearer ${first.body.accessToken}`)).status).toBe(401);
    const fresh = await gw.http().post('/v1/auth/login').send({ email: admin.email, password: admin.password });
    const audit = await gw.http().get('/v1/admin/audit-events?limit=2').set('authorization', `Bearer ${fresh.body.accessToken}`);
    expect(audit.body.items[1]).toMatchObject({ action: 'session.reuse_detected', actorId: admin.id });
  });

  test('three parallel refreshes of one token all get a working pair, and the family lives on', async () => {
    const admin = await gw.signup();
    const results = await Promise.all([1, 2, 3].map(() => gw.http().post('/v1/auth/refresh').send({ refreshToken: admin.refreshToken })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const pairs = results.map((r) => r.body as { accessToken: string; refreshToken: string });
    expect(new Set(pairs.map((p) => p.refreshToken)).size).toBe(3);
    for (const pair of pairs) {
      expect((await gw.http().get('/v1/me').set('authorization', `Bearer ${pair.accessToken}`)).status).toBe(200);
      expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: pair.refreshToken })).status).toBe(200);
    }
    // Within the window the spent token still answers; a later replay revokes the family.
    expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: admin.refreshToken })).status).toBe(200);
    await pastGraceWindow(admin.tenantId);
    expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: admin.refreshToken })).status).toBe(401);
  });

  test('logout revokes the family; other logins survive', async () => {
    const admin = await gw.signup();
    const other = await gw.http().post('/v1/auth/login').send({ email: admin.email, password: admin.password });
    const rotated = await gw.http().post('/v1/auth/refresh').send({ refreshToken: admin.refreshToken });
    expect((await gw.http().post('/v1/auth/logout').send({ refreshToken: rotated.body.refreshToken })).status).toBe(204);
    expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken })).status).toBe(401);
    expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: other.body.refreshToken })).status).toBe(200);
  });

  test('garbage refresh tokens are 401 and missing ones 422', async () => {
    expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: 'rt_nonsense' })).status).toBe(401);
    expect((await gw.http().post('/v1/auth/refresh').send({ refreshToken: `rt_${randomUUID()}.${'A'.repeat(43)}` })).status).toBe(401);
    expect((await gw.http().post('/v1/auth/refresh').send({})).status).toBe(422);
  });
});

describe('invitations, roles and members', () => {
  test('ADMIN invites any role, COACH only athletes, others 403', async () => {
    const { admin, coach, athlete } = await gw.tenantWithTeam();
    const scheduler = await gw.addMember(admin, 'SCHEDULER');
    expect((await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email: newEmail(), role: 'SCHEDULER' })).status).toBe(201);
    expect((await gw.http().post('/v1/invitations').set(gw.auth(coach)).send({ email: newEmail(), role: 'ATHLETE' })).status).toBe(201);
    expect((await gw.http().post('/v1/invitations').set(gw.auth(coach)).send({ email: newEmail(), role: 'COACH' })).status).toBe(403);
    expect((await gw.http().post('/v1/invitations').set(gw.auth(athlete)).send({ email: newEmail(), role: 'ATHLETE' })).status).toBe(403);
    expect((await gw.http().post('/v1/invitations').set(gw.auth(scheduler)).send({ email: newEmail(), role: 'ATHLETE' })).status).toBe(403);
  });

  test('an invitation is used once; expired ones are 410', async () => {
    const admin = await gw.signup();
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email: newEmail(), role: 'ATHLETE' });
    expect(invite.body).toMatchObject({ id: expect.any(String), role: 'ATHLETE', token: expect.any(String), expiresAt: expect.any(String) });
    expect((await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'Ath', password })).status).toBe(201);
    expect((await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'Ath', password })).status).toBe(410);

    const short = await startGateway({ INVITATION_TTL_SECONDS: '60' });
    try {
      const late = await short.http().post('/v1/invitations').set(short.auth(admin)).send({ email: newEmail(), role: 'ATHLETE' });
      expect(late.status).toBe(201);
      await short.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) => tx.execute(sql`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = ${late.body.id}`));
      expect((await short.http().post('/v1/invitations/accept').send({ token: late.body.token, name: 'Late', password })).status).toBe(410);
    } finally {
      await short.close();
    }
  });

  test("accepting for an existing account needs that account's password", async () => {
    const existing = await gw.signup();
    const admin = await gw.signup();
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email: existing.email, role: 'ATHLETE' });
    expect((await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'X', password: 'wrong password!!' })).status).toBe(401);
    expect((await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'X', password: existing.password })).status).toBe(201);
  });

  test('concurrent accepts for one new email never fail with 500', async () => {
    const [one, two] = await Promise.all([gw.signup(), gw.signup()]);
    const invite = async (admin: typeof one, email: string) => (await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email, role: 'ATHLETE' }).expect(201)).body.token as string;
    const accept = (token: string, pw = password) => gw.http().post('/v1/invitations/accept').send({ token, name: 'Twin', password: pw });
    for (let round = 0; round < 4; round++) {
      // Two tenants: the loser joins as the account the winner just made, as API.md says for an existing email.
      const email = newEmail();
      const both = await Promise.all([accept(await invite(one, email)), accept(await invite(two, email))]);
      expect(both.map((r) => r.status)).toEqual([201, 201]);
      expect(both[0].body.user.id).toBe(both[1].body.user.id);
      // Two tenants, different passwords: the loser did not give the account's password.
      const other = newEmail();
      const split = await Promise.all([accept(await invite(one, other)), accept(await invite(two, other), 'a different password')]);
      expect(split.map((r) => r.status).sort()).toEqual([201, 401].sort());
      // One tenant, two invitations: the loser is already a member.
      const same = newEmail();
      const [a, b] = [await invite(one, same), await invite(one, same)];
      const race = await Promise.all([accept(a), accept(b)]);
      expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(race.find((r) => r.status === 409)!.body.code).toBe('CONFLICT');
    }
  });

  test('members are listed with their roles, paginated, and only within the tenant', async () => {
    const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
    const other = await gw.signup();
    const all = await gw.http().get('/v1/members').set(gw.auth(athlete));
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(4);
    expect(all.body.items).toEqual(
      expect.arrayContaining([
        { userId: admin.id, name: admin.name, email: admin.email, role: 'ADMIN' },
        expect.objectContaining({ userId: coach.id, role: 'COACH' }),
        expect.objectContaining({ userId: athlete2.id, role: 'ATHLETE' }),
      ]),
    );
    expect(all.body.items.map((m: { userId: string }) => m.userId)).not.toContain(other.id);
    const firstPage = await gw.http().get('/v1/members?limit=3').set(gw.auth(admin));
    expect(firstPage.body.items).toHaveLength(3);
    const secondPage = await gw.http().get(`/v1/members?limit=3&cursor=${firstPage.body.nextCursor}`).set(gw.auth(admin));
    expect(secondPage.body.items).toHaveLength(1);
    expect(secondPage.body.nextCursor).toBeNull();
  });

  test('mass assignment of role, tenantId or userId is rejected with 422', async () => {
    const admin = await gw.signup();
    const other = await gw.signup();
    const signup = await gw.http().post('/v1/auth/signup').send({ organizationName: 'O', name: 'N', email: newEmail(), password, role: 'COACH' });
    expect(signup.status).toBe(422);
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email: newEmail(), role: 'ATHLETE', tenantId: other.tenantId });
    expect(invite.status).toBe(422);
    const good = await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email: newEmail(), role: 'ATHLETE' });
    const accept = await gw.http().post('/v1/invitations/accept').send({ token: good.body.token, name: 'N', password, role: 'ADMIN' });
    expect(accept.status).toBe(422);
    expect((await gw.http().post('/v1/invitations/accept').send({ token: good.body.token, name: 'N', password })).body.role).toBe('ATHLETE');
  });
});

describe('caching', () => {
  test('every answer that carries a token or secret is Cache-Control: no-store', async () => {
    const admin = await gw.signup();
    const noStore = (res: { headers: Record<string, string>; status: number }, name: string) => expect({ name, status: res.status, cache: res.headers['cache-control'] }).toEqual({ name, status: expect.any(Number), cache: 'no-store' });
    const email = newEmail();
    noStore(await gw.http().post('/v1/auth/signup').send({ organizationName: 'O', name: 'N', email, password }), 'signup');
    noStore(await gw.http().post('/v1/auth/login').send({ email, password }), 'login');
    noStore(await gw.http().post('/v1/auth/refresh').send({ refreshToken: admin.refreshToken }), 'refresh');
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(admin)).send({ email: newEmail(), role: 'COACH' });
    noStore(invite, 'invitation');
    noStore(await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'C', password }), 'accept');
    noStore(await gw.http().post('/v1/calendar-feed').set(gw.auth(admin)), 'calendar feed');
    // A replayed answer holds the same token: it is not cached either.
    const key = { 'idempotency-key': randomUUID() };
    const body = { email: newEmail(), role: 'ATHLETE' };
    await gw.http().post('/v1/invitations').set(gw.auth(admin)).set(key).send(body).expect(201);
    const replay = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set(key).send(body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    noStore(replay, 'replayed invitation');
    expect((await gw.http().get('/v1/members').set(gw.auth(admin))).headers['cache-control']).not.toBe('no-store');
  });
});

describe('audit log', () => {
  test('mutations are audited with actor, action, entity and request id; ADMIN only, no secrets', async () => {
    const admin = await gw.signup();
    const invite = await gw.http().post('/v1/invitations').set(gw.auth(admin)).set('x-request-id', 'audit-req-1').send({ email: newEmail(), role: 'COACH' });
    const coach = await gw.http().post('/v1/invitations/accept').send({ token: invite.body.token, name: 'C', password });
    const res = await gw.http().get('/v1/admin/audit-events').set(gw.auth(admin));
    expect(res.status).toBe(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['invitation.accepted', 'invitation.created', 'tenant.created']);
    await gw.http().post('/v1/auth/login').send({ email: admin.email, password: admin.password }).expect(200);
    const afterLogin = await gw.http().get('/v1/admin/audit-events?limit=1').set(gw.auth(admin));
    expect(afterLogin.body.items[0]).toMatchObject({ action: 'session.created', actorId: admin.id });
    expect(res.body.items[1]).toMatchObject({ actorId: admin.id, entityType: 'invitation', entityId: invite.body.id, requestId: 'audit-req-1', at: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain(invite.body.token);
    expect(JSON.stringify(res.body)).not.toContain(password);
    expect((await gw.http().get('/v1/admin/audit-events').set('authorization', `Bearer ${coach.body.accessToken}`)).status).toBe(403);
  });
});

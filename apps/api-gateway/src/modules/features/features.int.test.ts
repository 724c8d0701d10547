import { startGateway, type Gateway } from '../../testing/gateway-harness';

let gw: Gateway;
let platformOn: Gateway;
beforeAll(async () => {
  gw = await startGateway();
  // Another deployment whose configuration turns self-service on by default, and which keeps no cache.
  platformOn = await startGateway({ FEATURE_FLAG_DEFAULTS: 'self_service_programs=true', FEATURE_FLAG_CACHE_TTL_MS: '0' });
});
afterAll(async () => {
  await gw.close();
  await platformOn.close();
});

test('every member reads their tenant\'s flags, defaults from configuration', async () => {
  const { admin, athlete } = await gw.tenantWithTeam();
  const res = await gw.http().get('/v1/features').set(gw.auth(athlete));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ flags: { self_service_programs: false, coach_triage: true, program_generation: true } });
  const other = await platformOn.signup();
  expect((await platformOn.http().get('/v1/features').set(platformOn.auth(other))).body.flags.self_service_programs).toBe(true);
  expect((await gw.http().get('/v1/features').set(gw.auth(admin))).body.flags.self_service_programs).toBe(false);
});

test("an ADMIN's change applies to their tenant only, at once, and is stored", async () => {
  const one = await gw.tenantWithTeam();
  const two = await gw.tenantWithTeam();
  // Read first, so the provider holds the tenant's overrides in its cache.
  expect((await gw.http().get('/v1/features').set(gw.auth(one.coach))).body.flags.self_service_programs).toBe(false);

  const put = await gw.http().put('/v1/admin/features/self_service_programs').set(gw.auth(one.admin)).send({ enabled: true });
  expect(put.status).toBe(200);
  expect(put.body).toEqual({ key: 'self_service_programs', enabled: true });

  expect((await gw.http().get('/v1/features').set(gw.auth(one.athlete))).body.flags.self_service_programs).toBe(true);
  expect((await gw.http().get('/v1/features').set(gw.auth(two.athlete))).body.flags.self_service_programs).toBe(false);
  // Another gateway process with a cold cache reads the stored override.
  expect((await platformOn.http().get('/v1/features').set(platformOn.auth(two.admin))).body.flags.self_service_programs).toBe(true);
  expect((await platformOn.http().get('/v1/features').set(platformOn.auth(one.admin))).body.flags.self_service_programs).toBe(true);

  await gw.http().put('/v1/admin/features/self_service_programs').set(gw.auth(one.admin)).send({ enabled: false }).expect(200);
  await gw.http().put('/v1/admin/features/coach_triage').set(gw.auth(one.admin)).send({ enabled: false }).expect(200);
  expect((await gw.http().get('/v1/features').set(gw.auth(one.coach))).body.flags).toEqual({ self_service_programs: false, coach_triage: false, program_generation: true });
  // The platform's default now loses to the tenant's explicit off.
  expect((await platformOn.http().get('/v1/features').set(platformOn.auth(one.admin))).body.flags.self_service_programs).toBe(false);
});

test('refusals: non-admin 403, unknown key 404 before the body is judged, platform-only flag 403, bad body 422', async () => {
  const { admin, coach, athlete } = await gw.tenantWithTeam();
  for (const user of [coach, athlete]) {
    const res = await gw.http().put('/v1/admin/features/self_service_programs').set(gw.auth(user)).send({ enabled: true });
    expect(res.status).toBe(403);
  }
  const unknown = await gw.http().put('/v1/admin/features/no_such_flag').set(gw.auth(admin)).send({ nonsense: 1 });
  expect(unknown.status).toBe(404);
  expect(unknown.body.code).toBe('NOT_FOUND');
  expect((await gw.http().put('/v1/admin/features/program_generation').set(gw.auth(admin)).send({ enabled: true })).status).toBe(403);
  for (const body of [{}, { enabled: 'yes' }, { enabled: true, tenantId: admin.tenantId }]) {
    const res = await gw.http().put('/v1/admin/features/self_service_programs').set(gw.auth(admin)).send(body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  }
  expect((await gw.http().get('/v1/features').set(gw.auth(athlete))).body.flags.self_service_programs).toBe(false);
  expect((await gw.http().get('/v1/features')).status).toBe(401);
});

test('the gateway refuses to start with a default for an unknown flag', async () => {
  await expect(startGateway({ FEATURE_FLAG_DEFAULTS: 'warp_drive=true' })).rejects.toThrow(/warp_drive/);
});

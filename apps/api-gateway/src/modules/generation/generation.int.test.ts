import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { generationJobs, outboxEvents } from '@coachline/db/schema/index';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

/*
 * The API side of program generation: who may ask, what input is refused, the
 * job row and its event, and who sees the job. The work itself (the scheduler's
 * consumer) is tested end to end in e2e/src/program-generation.int.test.ts.
 */
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ FEATURE_FLAG_CACHE_TTL_MS: '0' });
});
afterAll(async () => {
  await gw.close();
});

const valid = { goal: 'hypertrophy', daysPerWeek: 4, sessionMinutes: 60, experience: 'intermediate', equipment: ['barbell', 'dumbbell', 'cable'] };
const generate = (user: TestUser, body: unknown) => gw.http().post('/v1/programs/generate').set(gw.auth(user)).send(body as object);
const jobOf = (user: TestUser, id: string) => gw.http().get(`/v1/generation-jobs/${id}`).set(gw.auth(user));

async function rows(tenantId: string) {
  return gw.deps.db.withTenant({ tenantId }, async (tx) => ({
    jobs: await tx.select().from(generationJobs).where(eq(generationJobs.tenantId, tenantId)),
    events: await tx.select().from(outboxEvents).where(and(eq(outboxEvents.tenantId, tenantId), eq(outboxEvents.type, 'program.generation_requested'))),
  }));
}

test('a coach gets 202 with a queued job; the row holds the request and one event carries its id', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const res = await generate(coach, { ...valid, athleteId: athlete.id, avoid: ['calves'] });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ jobId: expect.any(String), status: 'queued' });

  const { jobs, events } = await rows(coach.tenantId);
  expect(jobs).toHaveLength(1);
  expect(jobs[0]).toMatchObject({ id: res.body.jobId, requestedBy: coach.id, athleteId: athlete.id, source: 'coach', status: 'queued', progress: 0, input: { ...valid, avoid: ['calves'] } });
  expect(events.map((e) => e.payload)).toEqual([{ generationJobId: res.body.jobId, requestedBy: coach.id, source: 'coach' }]);

  const job = await jobOf(coach, res.body.jobId);
  expect(job.status).toBe(200);
  expect(job.body).toMatchObject({ id: res.body.jobId, status: 'queued', progress: 0 });
  expect(job.body).not.toHaveProperty('programId');
});

test('every constraint of the body is a 422 naming the field, and changes nothing', async () => {
  const { admin } = await gw.tenantWithTeam();
  const cases: [Record<string, unknown>, string][] = [
    [{ ...valid, goal: 'bulk' }, 'goal'],
    [{ ...valid, daysPerWeek: 1 }, 'daysPerWeek'],
    [{ ...valid, daysPerWeek: 7 }, 'daysPerWeek'],
    [{ ...valid, daysPerWeek: 3.5 }, 'daysPerWeek'],
    [{ ...valid, sessionMinutes: 19 }, 'sessionMinutes'],
    [{ ...valid, sessionMinutes: 181 }, 'sessionMinutes'],
    [{ ...valid, experience: 'expert' }, 'experience'],
    [{ ...valid, equipment: [] }, 'equipment'],
    [{ ...valid, equipment: ['barbell', 'rower'] }, 'equipment.1'],
    [{ ...valid, equipment: ['barbell', 'barbell'] }, 'equipment'],
    [{ ...valid, avoid: [''] }, 'avoid.0'],
    [{ ...valid, avoid: ['x'.repeat(201)] }, 'avoid.0'],
    [{ ...valid, avoid: Array.from({ length: 51 }, (_, i) => `muscle ${i}`) }, 'avoid'],
    [{ ...valid, athleteId: 'not-a-uuid' }, 'athleteId'],
    [{ ...valid, tenantId: randomUUID() }, ''],
    [{ goal: 'strength' }, 'daysPerWeek'],
  ];
  for (const [body, path] of cases) {
    const res = await generate(admin, body);
    expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 422, code: 'VALIDATION_FAILED' });
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  }
  // Not an athlete of the tenant: a coach, or someone of another tenant.
  const other = await gw.tenantWithTeam();
  for (const athleteId of [admin.id, other.athlete.id, randomUUID()]) {
    const res = await generate(admin, { ...valid, athleteId });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'athleteId', message: 'Not an athlete of this organization' }]);
  }
  expect((await rows(admin.tenantId)).jobs).toHaveLength(0);
  expect((await rows(admin.tenantId)).events).toHaveLength(0);
});

test('an athlete is refused (403) while self_service_programs is off, and may then generate only for themself', async () => {
  const { admin, athlete, athlete2 } = await gw.tenantWithTeam();
  const off = await generate(athlete, valid);
  expect(off.status).toBe(403);
  expect(off.body.code).toBe('FORBIDDEN');
  // The flag decides before the body is judged: a bad body is 403 too.
  expect((await generate(athlete, { goal: 'nope' })).status).toBe(403);

  await gw.http().put('/v1/admin/features/self_service_programs').set(gw.auth(admin)).send({ enabled: true }).expect(200);
  const own = await generate(athlete, valid);
  expect(own.status).toBe(202);
  expect((await generate(athlete, { ...valid, athleteId: athlete.id })).status).toBe(202);
  expect((await generate(athlete, { ...valid, athleteId: athlete2.id })).status).toBe(403);
  const { jobs } = await rows(admin.tenantId);
  expect(jobs.map((j) => ({ athleteId: j.athleteId, source: j.source })).sort()).toEqual([
    { athleteId: athlete.id, source: 'athlete' },
    { athleteId: athlete.id, source: 'athlete' },
  ]);
  // Another tenant's flag stays off.
  const other = await gw.tenantWithTeam();
  expect((await generate(other.athlete, valid)).status).toBe(403);
});

test('a SCHEDULER may not generate; the platform switch program_generation turns it off for everyone', async () => {
  const { admin } = await gw.tenantWithTeam();
  const scheduler = await gw.addMember(admin, 'SCHEDULER');
  expect((await generate(scheduler, valid)).status).toBe(403);

  const switchedOff = await startGateway({ FEATURE_FLAG_DEFAULTS: 'program_generation=false' });
  try {
    const team = await switchedOff.tenantWithTeam();
    const res = await switchedOff.http().post('/v1/programs/generate').set(switchedOff.auth(team.coach)).send(valid);
    expect(res.status).toBe(403);
  } finally {
    await switchedOff.close();
  }
});

test("a job is seen by its requester, the athlete it is for and ADMINs; another user's or tenant's is 404", async () => {
  const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const secondCoach = await gw.addMember(admin, 'COACH');
  const jobId: string = (await generate(coach, { ...valid, athleteId: athlete.id })).body.jobId;
  for (const user of [coach, athlete, admin]) expect((await jobOf(user, jobId)).status).toBe(200);
  for (const user of [athlete2, secondCoach]) expect((await jobOf(user, jobId)).status).toBe(404);
  const other = await gw.tenantWithTeam();
  const foreign = await jobOf(other.admin, jobId);
  expect(foreign.status).toBe(404);
  expect(foreign.body.code).toBe('NOT_FOUND');
  expect((await jobOf(admin, randomUUID())).status).toBe(404);
  expect((await jobOf(admin, 'not-a-uuid')).status).toBe(404);
});

import { randomUUID } from 'node:crypto';
import { Queue, type Job, type Worker } from 'bullmq';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { eq } from 'drizzle-orm';
import { findGenerationJob, requestGeneration } from '@coachline/db/generation-jobs';
import { programAssignments } from '@coachline/db/schema/index';
import type { GenerationInput } from '@coachline/domain/api/generation';
import type { EventEnvelope } from '@coachline/domain/events';
import type { GenerationProgress } from '@coachline/domain/socket';
import { eventually } from '@coachline/testing/eventually';
import { startLiveRealtime, type LiveRealtime } from './testing/live-realtime';
import { startEventStack, type EventStack } from './testing/event-stack';


/*
 * Program generation end to end: the gateway records the request, the relay
 * queues it with its priority, the scheduler's consumer generates, and the
 * requester's socket on the realtime server hears progress and completion.
 */
let stack: EventStack;
let realtime: LiveRealtime;

beforeAll(async () => {
  stack = await startEventStack();
  stack.relay().start();
  realtime = await startLiveRealtime(stack.gw);
});

afterAll(async () => {
  await realtime.close();
  await stack.close();
});

const http = () => stack.gw.http();
const auth = (user: TestUser) => stack.gw.auth(user);
const request = { goal: 'hypertrophy', daysPerWeek: 4, sessionMinutes: 60, experience: 'intermediate', equipment: ['barbell', 'dumbbell', 'cable', 'machine'], avoid: ['calves'] } as const;

/** Runs `fn` with the scheduler's generation consumer running, one job at a time, and stops it after. */
async function withConsumer<T>(fn: (worker: Worker) => Promise<T>): Promise<T> {
  const worker = stack.generation({ concurrency: 1 });
  try {
    return await fn(worker);
  } finally {
    await worker.close();
  }
}

async function succeeded(user: TestUser, jobId: string) {
  return eventually(async () => {
    const res = await http().get(`/v1/generation-jobs/${jobId}`).set(auth(user));
    return res.body.status === 'succeeded' && res.body;
  }, `generation job ${jobId} to succeed`);
}

test('202, then live progress and completion to the requester, and an ordinary program the coach can assign', () => withConsumer(async () => {
  const { coach, athlete } = await stack.team();
  const socket = await realtime.connect(coach);
  const progress: GenerationProgress[] = [];
  socket.on('generation:progress', (p) => progress.push(p));
  const completed = new Promise<{ jobId: string; programId: string }>((resolve) => socket.on('generation:completed', resolve));

  const res = await http().post('/v1/programs/generate').set(auth(coach)).send({ ...request, athleteId: athlete.id });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ jobId: expect.any(String), status: 'queued' });
  const jobId: string = res.body.jobId;

  const done = await completed;
  expect(done).toEqual({ jobId, programId: expect.any(String) });
  // Progress came before completion, rising, from the same job.
  expect(progress.map((p) => p.jobId)).toEqual(progress.map(() => jobId));
  expect(progress.map((p) => p.progress)).toEqual([10, 50, 80]);
  expect(await succeeded(coach, jobId)).toMatchObject({ id: jobId, status: 'succeeded', progress: 100, programId: done.programId });

  const program = await http().get(`/v1/programs/${done.programId}`).set(auth(coach));
  expect(program.status).toBe(200);
  expect(program.body.days.map((d: { name: string }) => d.name)).toEqual(['Upper A', 'Lower A', 'Upper B', 'Lower B']);
  const library = new Map<string, { equipment: string | null; primaryMuscle: string }>(
    (await http().get('/v1/exercises?limit=100').set(auth(coach))).body.items.map((e: { id: string; equipment: string | null; primaryMuscle: string }) => [e.id, e]),
  );
  const exercises = program.body.days.flatMap((d: { exercises: unknown[] }) => d.exercises) as { exerciseId: string; progression: { type: string }; sets: { restSeconds: number }[] }[];
  expect(exercises.length).toBeGreaterThan(8);
  for (const exercise of exercises) {
    expect(exercise.progression.type).toBe('double_progression');
    expect(request.equipment).toContain(library.get(exercise.exerciseId)!.equipment);
    expect(library.get(exercise.exerciseId)!.primaryMuscle).not.toBe('calves');
    for (const set of exercise.sets) expect(set.restSeconds).toBeGreaterThan(0);
  }
  const assigned = await http().post(`/v1/programs/${done.programId}/assignments`).set(auth(coach)).send({ athleteId: athlete.id, startDate: '2026-12-14' });
  expect(assigned.status).toBe(201);
  // Another tenant sees neither the job nor the program.
  const other = await stack.team();
  expect((await http().get(`/v1/generation-jobs/${jobId}`).set(auth(other.coach))).status).toBe(404);
  expect((await http().get(`/v1/programs/${done.programId}`).set(auth(other.coach))).status).toBe(404);
}));

test('an athlete generates for themself once the tenant turns self-service on, and gets the program assigned', () => withConsumer(async () => {
  const { admin, athlete } = await stack.team();
  expect((await http().post('/v1/programs/generate').set(auth(athlete)).send(request)).status).toBe(403);
  await http().put('/v1/admin/features/self_service_programs').set(auth(admin)).send({ enabled: true }).expect(200);
  const socket = await realtime.connect(athlete);
  const completed = new Promise<{ jobId: string; programId: string }>((resolve) => socket.on('generation:completed', resolve));
  const res = await eventually(async () => {
    const attempt = await http().post('/v1/programs/generate').set(auth(athlete)).send({ ...request, goal: 'strength', experience: 'beginner', daysPerWeek: 3 });
    return attempt.status === 202 && attempt;
  }, 'the flag to be on for the athlete');
  const done = await completed;
  expect(done.jobId).toBe(res.body.jobId);
  const assignments = await stack.db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.select().from(programAssignments).where(eq(programAssignments.tenantId, athlete.tenantId)));
  expect(assignments.map((a) => ({ programId: a.programId, athleteId: a.athleteId }))).toEqual([{ programId: done.programId, athleteId: athlete.id }]);
  const program = await http().get(`/v1/programs/${done.programId}`).set(auth(athlete));
  expect(program.body.days[0].exercises[0].progression).toMatchObject({ type: 'linear' });
}));

test("a coach's request overtakes background generations already waiting in the queue", async () => {
  const { admin, coach } = await stack.team();
  const queue = new Queue('generation', { connection: stack.connection(), prefix: stack.prefix });
  try {
    // No consumer runs yet: the jobs wait in the queue, as they would behind a busy worker.
    const input: GenerationInput = { goal: 'general', daysPerWeek: 3, sessionMinutes: 45, experience: 'beginner', equipment: ['dumbbell', 'bodyweight'], avoid: [] };
    const background: string[] = [];
    for (let i = 0; i < 4; i++) {
      const job = await stack.db.withTenant({ tenantId: admin.tenantId, requestId: randomUUID() }, (tx) => requestGeneration(tx, { requestedBy: admin.id, athleteId: null, source: 'background', input }));
      background.push(job.id);
    }
    await eventually(async () => (await queue.getJobCounts('prioritized')).prioritized === 4, 'the background jobs to wait in the queue');
    const coachJob: string = (await http().post('/v1/programs/generate').set(auth(coach)).send(request)).body.jobId;
    await eventually(async () => (await queue.getJobCounts('prioritized')).prioritized === 5, "the coach's job to wait in the queue");

    const order = await withConsumer(async (worker) => {
      const started: string[] = [];
      worker.on('active', (job: Job) => started.push((job.data as EventEnvelope).payload.generationJobId as string));
      for (const id of [coachJob, ...background]) {
        await eventually(() => stack.db.withTenant({ tenantId: admin.tenantId }, async (tx) => (await findGenerationJob(tx, id))?.status === 'succeeded'), `job ${id} to succeed`);
      }
      return started;
    });
    expect(order).toEqual([coachJob, ...background]);
  } finally {
    await queue.close();
  }
});

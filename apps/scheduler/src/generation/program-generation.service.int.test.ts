import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { createDatabase } from '@coachline/db/database';
import { seedExerciseLibrary } from '@coachline/db/exercise-library';
import { findGenerationJob, requestGeneration } from '@coachline/db/generation-jobs';
import { newId } from '@coachline/db/ids';
import { programAssignments, programPlannedSets, programs } from '@coachline/db/schema/index';
import type { GenerationInput } from '@coachline/domain/api/generation';
import type { EventOf, GenerationSource } from '@coachline/domain/events';
import { ConfigError, loadConfig } from '@coachline/runtime/config';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { createLogger } from '@coachline/runtime/logger';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { createRedis } from '@coachline/runtime/redis';
import { configSchema } from '../config';
import { tenantFixture, testConfig } from '../testing/fixtures';
import { ProgramGenerationService } from './program-generation.service';
import { chatCompletionsNotesWriter, programNotesWriterFrom, type ProgramNotesWriter } from './program-notes.writer';

const config = testConfig();
const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 4 });
const redis = createRedis(config.REDIS_URL);
const logger = createLogger('scheduler-test', 'silent');
const live = createLiveEmitter(redis, () => undefined);
const servers: Server[] = [];

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await redis.quit();
  await db.close();
});

const input: GenerationInput = { goal: 'hypertrophy', daysPerWeek: 3, sessionMinutes: 45, experience: 'beginner', equipment: ['dumbbell', 'bodyweight', 'cable'], avoid: [] };

/** A tenant with the seeded library and one requested generation, and the event the relay would deliver for it. */
async function requested(source: GenerationSource = 'coach', request: Partial<GenerationInput> = {}) {
  const fixture = await tenantFixture(db, 1);
  const athleteId = fixture.athletes[0]!.id;
  const requestedBy = source === 'athlete' ? athleteId : fixture.coach.id;
  const job = await db.withTenant({ tenantId: fixture.tenantId }, async (tx) => {
    await seedExerciseLibrary(tx);
    return requestGeneration(tx, { requestedBy, athleteId: source === 'background' ? null : athleteId, source, input: { ...input, ...request } });
  });
  const event: EventOf<'program.generation_requested'> = {
    id: newId(),
    tenantId: fixture.tenantId,
    type: 'program.generation_requested',
    payload: { generationJobId: job.id, requestedBy, source },
    occurredAt: new Date().toISOString(),
  };
  return { ...fixture, athleteId, job, event };
}

async function programOf(tenantId: string, programId: string) {
  return db.withTenant({ tenantId }, async (tx) => ({
    program: (await tx.select().from(programs).where(and(eq(programs.tenantId, tenantId), eq(programs.id, programId))))[0],
    sets: await tx.select().from(programPlannedSets).where(eq(programPlannedSets.tenantId, tenantId)),
    assignments: await tx.select().from(programAssignments).where(eq(programAssignments.tenantId, tenantId)),
    programCount: (await tx.select({ id: programs.id }).from(programs).where(eq(programs.tenantId, tenantId))).length,
  }));
}

/** A local stand-in of an OpenAI-compatible chat completions API, answering with `status` and `body`. */
async function standIn(status: number, body: unknown) {
  const received: { url: string; headers: IncomingMessage['headers']; body: any }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, received };
}

function writerFor(url: string): ProgramNotesWriter {
  return chatCompletionsNotesWriter({ baseUrl: url, apiKey: 'sk-test', model: 'coach-notes-1', outbound: createOutboundHttp({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 64 * 1024 }) });
}

test('generates an ordinary program with a progression per exercise, once however often the event comes', async () => {
  const { tenantId, job, event } = await requested();
  const service = new ProgramGenerationService(db, live, logger);
  const result = await service.generate(event);
  expect(result?.programId).toEqual(expect.any(String));
  expect(await service.generate(event)).toBeUndefined();

  const { program, sets, assignments, programCount } = await programOf(tenantId, result!.programId!);
  expect(programCount).toBe(1);
  expect(program).toMatchObject({ name: 'Hypertrophy: 3 days a week, full body', createdBy: job.requestedBy });
  expect(sets.length).toBeGreaterThan(0);
  for (const set of sets) expect(set.progression).toMatchObject({ type: 'double_progression' });
  // A coach's program waits to be assigned.
  expect(assignments).toEqual([]);
  const row = await db.withTenant({ tenantId }, (tx) => findGenerationJob(tx, job.id));
  expect(row).toMatchObject({ status: 'succeeded', progress: 100, programId: result!.programId, error: null });
  expect(row!.startedAt).toBeInstanceOf(Date);
});

test("an athlete's own program is assigned to them from today", async () => {
  const { tenantId, athleteId, event } = await requested('athlete');
  const result = await new ProgramGenerationService(db, live, logger).generate(event);
  const { assignments } = await programOf(tenantId, result!.programId!);
  expect(assignments).toEqual([expect.objectContaining({ programId: result!.programId, athleteId, startDate: new Date().toISOString().slice(0, 10) })]);
});

test('a library with nothing that fits fails the job with a reason, and writes no program', async () => {
  const { tenantId, job, event } = await requested('coach', { equipment: ['band'] });
  const result = await new ProgramGenerationService(db, live, logger).generate(event);
  expect(result).toEqual({ error: expect.stringMatching(/No exercise in the library fits/) });
  const row = await db.withTenant({ tenantId }, (tx) => findGenerationJob(tx, job.id));
  expect(row).toMatchObject({ status: 'failed', programId: null, error: expect.stringMatching(/equipment/) });
  expect((await programOf(tenantId, job.id)).programCount).toBe(0);
});

test('a configured language model writes the notes, over its chat completions API', async () => {
  const provider = await standIn(200, { id: 'c1', choices: [{ index: 0, message: { role: 'assistant', content: 'Warm up well.\u0000 Add reps before load.' } }] });
  const { tenantId, event } = await requested();
  const result = await new ProgramGenerationService(db, live, logger, writerFor(provider.url)).generate(event);

  expect(provider.received).toHaveLength(1);
  const [call] = provider.received;
  expect(call!.url).toBe('/v1/chat/completions');
  expect(call!.headers.authorization).toBe('Bearer sk-test');
  expect(call!.body).toMatchObject({ model: 'coach-notes-1', messages: [{ role: 'system' }, { role: 'user' }] });
  // The model is told the plan by exercise name, never ids or anything of the tenant's people.
  const told = JSON.parse(call!.body.messages[1].content);
  expect(told).toMatchObject({ input, split: 'full_body' });
  expect(JSON.stringify(told)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

  const { program } = await programOf(tenantId, result!.programId!);
  expect(program!.description).toMatch(/^Generated for hypertrophy \(beginner\).*\n\nWarm up well\. Add reps before load\.$/s);
});

test('a failing language model leaves the program without notes; generation still succeeds', async () => {
  const provider = await standIn(500, { error: { message: 'overloaded' } });
  const { tenantId, job, event } = await requested();
  const result = await new ProgramGenerationService(db, live, logger, writerFor(provider.url)).generate(event);
  expect(provider.received).toHaveLength(1);
  const { program } = await programOf(tenantId, result!.programId!);
  expect(program!.description).toMatch(/^Generated for hypertrophy/);
  expect(program!.description).not.toMatch(/\n/);
  expect((await db.withTenant({ tenantId }, (tx) => findGenerationJob(tx, job.id)))!.status).toBe('succeeded');
});

test('nothing calls a language model unless both its URL and model are configured', () => {
  expect(programNotesWriterFrom(testConfig())).toBeUndefined();
  expect(programNotesWriterFrom(testConfig({ PROGRAM_NOTES_LLM_URL: 'https://llm.example.com/v1', PROGRAM_NOTES_LLM_MODEL: 'm' }))).toBeDefined();
  expect(() => loadConfig(configSchema, { PROGRAM_NOTES_LLM_URL: 'https://llm.example.com/v1' })).toThrow(ConfigError);
  expect(() => loadConfig(configSchema, { PROGRAM_NOTES_LLM_MODEL: 'm' })).toThrow(/PROGRAM_NOTES_LLM_MODEL/);
});

test('the outbound guard refuses a provider on a private address: the notes writer never reaches it', async () => {
  const guarded = chatCompletionsNotesWriter({ baseUrl: 'https://10.0.0.7/v1', model: 'm', outbound: createOutboundHttp({ allowLoopback: false, timeoutMs: 1_000, maxResponseBytes: 1024 }) });
  await expect(guarded.write({ input, name: 'x', split: 'full_body', days: [] })).rejects.toThrow(/not public/);
});

import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { actorOf } from '@coachline/domain/actor';
import { outboxEvents, workouts, workoutSets } from '@coachline/db/schema/index';
import { insertBodyMetric } from '@coachline/db/workouts';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

interface Change {
  entity: string;
  op: 'upsert' | 'delete';
  id: string;
  data?: Record<string, unknown>;
}
interface ChangesPage {
  changes: Change[];
  nextCursor: string;
  hasMore: boolean;
}

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function changes(user: TestUser, since?: string, limit?: number): Promise<ChangesPage> {
  const res = await gw.http().get('/v1/sync/changes').query({ ...(since ? { since } : {}), ...(limit ? { limit } : {}) }).set(gw.auth(user));
  expect(res.status).toBe(200);
  return res.body as ChangesPage;
}

/** Every page from `since` until the feed has no more below its horizon. */
async function drain(user: TestUser, since?: string, limit = 1000): Promise<{ changes: Change[]; cursor: string }> {
  const all: Change[] = [];
  let cursor = since;
  for (;;) {
    const page = await changes(user, cursor, limit);
    all.push(...page.changes);
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes: all, cursor };
  }
}

const keyOf = (c: Change) => `${c.entity}:${c.op}:${c.id}`;

/**
 * Reads from `since` until every expected change has come: a transaction open
 * anywhere in the database (another test file's) holds the feed back until it ends.
 */
async function catchUp(user: TestUser, since: string | undefined, expected: string[], limit = 1000): Promise<{ changes: Change[]; cursor: string }> {
  const all: Change[] = [];
  let cursor = since;
  for (;;) {
    const page = await drain(user, cursor, limit);
    all.push(...page.changes);
    cursor = page.cursor;
    const seen = new Set(all.map(keyOf));
    if (expected.every((key) => seen.has(key))) return { changes: all, cursor };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ofEntity = (list: Change[], entity: string) => list.filter((c) => c.entity === entity);

async function exerciseId(user: TestUser, name = 'Back Squat'): Promise<string> {
  return (await gw.http().get('/v1/exercises').query({ q: name }).set(gw.auth(user))).body.items[0].id as string;
}

async function mutate(user: TestUser, mutations: unknown[]) {
  const res = await gw.http().post('/v1/sync/mutations').set(gw.auth(user)).send({ mutations });
  expect(res.status).toBe(200);
  return res.body.results as { clientMutationId: string; status: string; error?: { status: number; code: string }; data?: any }[];
}

describe('GET /v1/sync/changes', () => {
  test('a snapshot holds what the caller sees in the shape of its REST read, and the cursor then gives only what changed, tombstones included', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const squat = await exerciseId(athlete);
    const workout = (await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ title: 'Legs' })).body;
    const logged = (await gw.http().post(`/v1/workouts/${workout.id}/sets`).set(gw.auth(athlete)).send({ exerciseId: squat, reps: 5, weightKg: 100 })).body;

    const snapshot = await catchUp(athlete, undefined, [`workout:upsert:${workout.id}`, `set:upsert:${logged.set.id}`]);
    expect(ofEntity(snapshot.changes, 'exercise').length).toBeGreaterThanOrEqual(30);
    const rest = (await gw.http().get(`/v1/workouts/${workout.id}`).set(gw.auth(athlete))).body;
    expect(ofEntity(snapshot.changes, 'workout')).toEqual([{ entity: 'workout', op: 'upsert', id: workout.id, data: rest }]);
    expect(ofEntity(snapshot.changes, 'set')).toEqual([{ entity: 'set', op: 'upsert', id: logged.set.id, data: { ...rest.sets[0], workoutId: workout.id } }]);
    expect(new Set(snapshot.changes.map((c) => `${c.entity}:${c.id}`)).size).toBe(snapshot.changes.length);

    expect(await changes(athlete, snapshot.cursor)).toEqual({ changes: [], nextCursor: expect.any(String), hasMore: false });

    const second = (await gw.http().post(`/v1/workouts/${workout.id}/sets`).set(gw.auth(athlete)).send({ exerciseId: squat, reps: 3, weightKg: 110 })).body;
    const after = await catchUp(athlete, snapshot.cursor, [`set:upsert:${second.set.id}`, `workout:upsert:${workout.id}`]);
    expect(after.changes.map((c) => `${c.entity}:${c.op}:${c.id}`).sort()).toEqual([`set:upsert:${second.set.id}`, `workout:upsert:${workout.id}`].sort());
    expect(ofEntity(after.changes, 'workout')[0]!.data!.sets).toHaveLength(2);

    // Written outside any route: the feed hears of every code path's writes, deletions included.
    await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.delete(workoutSets).where(and(eq(workoutSets.tenantId, athlete.tenantId), eq(workoutSets.id, logged.set.id))));
    const deleted = await catchUp(athlete, after.cursor, [`set:delete:${logged.set.id}`, `workout:upsert:${workout.id}`]);
    expect(deleted.changes.map((c) => `${c.entity}:${c.op}:${c.id}`).sort()).toEqual([`set:delete:${logged.set.id}`, `workout:upsert:${workout.id}`].sort());
    expect(ofEntity(deleted.changes, 'set')[0]).toEqual({ entity: 'set', op: 'delete', id: logged.set.id });

    await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.delete(workouts).where(and(eq(workouts.tenantId, athlete.tenantId), eq(workouts.id, workout.id))));
    const gone = await catchUp(athlete, deleted.cursor, [`set:delete:${second.set.id}`, `workout:delete:${workout.id}`]);
    expect(gone.changes.map((c) => `${c.entity}:${c.op}:${c.id}`).sort()).toEqual([`set:delete:${second.set.id}`, `workout:delete:${workout.id}`].sort());

    // A new snapshot leaves out what was gone before it began.
    const fresh = await catchUp(athlete, undefined, []);
    expect(fresh.changes.filter((c) => c.op === 'delete' || c.entity === 'workout' || c.entity === 'set')).toEqual([]);
  });

  test('an athlete never sees another athlete’s or another tenant’s rows; a coach sees what REST shows a coach', async () => {
    const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
    const other = await gw.tenantWithTeam();
    const squat = await exerciseId(athlete);
    const mine = (await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ title: 'Mine' })).body;
    const set = (await gw.http().post(`/v1/workouts/${mine.id}/sets`).set(gw.auth(athlete)).send({ exerciseId: squat, reps: 5, weightKg: 60 })).body.set;
    const metric = (await gw.http().post('/v1/body-metrics').set(gw.auth(athlete)).send({ weightKg: 80, measuredAt: '2026-12-01T07:00:00Z' })).body;
    const conversation = (await gw.http().post('/v1/conversations').set(gw.auth(coach)).send({ userId: athlete.id })).body;
    const message = (await gw.http().post(`/v1/conversations/${conversation.id}/messages`).set(gw.auth(coach)).send({ body: 'Nice' })).body;
    const program = (await gw.http().post('/v1/programs').set(gw.auth(coach)).send({ name: 'Strength', days: [{ name: 'A', exercises: [{ exerciseId: squat, sets: [{ reps: 5 }] }] }] })).body;
    const unassigned = (await gw.http().post('/v1/programs').set(gw.auth(coach)).send({ name: 'Other', days: [{ name: 'B', exercises: [] }] })).body;
    const assignment = (await gw.http().post(`/v1/programs/${program.id}/assignments`).set(gw.auth(coach)).send({ athleteId: athlete.id, startDate: '2026-12-07' })).body;
    const theirs = (await gw.http().post('/v1/workouts').set(gw.auth(other.athlete)).send({ title: 'Theirs' })).body;

    const ids = async (user: TestUser, expected: string[] = []) =>
      new Set((await catchUp(user, undefined, expected.map((id) => id.replace(':', ':upsert:')), 50)).changes.map((c) => `${c.entity}:${c.id}`));
    const forAthlete = await ids(athlete, [`workout:${mine.id}`, `message:${message.id}`, `assignment:${assignment.id}`]);
    for (const id of [`workout:${mine.id}`, `set:${set.id}`, `body_metric:${metric.id}`, `message:${message.id}`, `program:${program.id}`, `assignment:${assignment.id}`]) expect(forAthlete).toContain(id);
    expect(forAthlete).not.toContain(`program:${unassigned.id}`);
    expect(forAthlete).not.toContain(`workout:${theirs.id}`);

    const forAthlete2 = await ids(athlete2);
    for (const id of [`workout:${mine.id}`, `set:${set.id}`, `body_metric:${metric.id}`, `message:${message.id}`, `program:${program.id}`, `assignment:${assignment.id}`]) expect(forAthlete2).not.toContain(id);
    expect([...forAthlete2].filter((id) => !id.startsWith('exercise:'))).toEqual([]);

    const forCoach = await ids(coach, [`workout:${mine.id}`]);
    for (const id of [`workout:${mine.id}`, `set:${set.id}`, `body_metric:${metric.id}`, `message:${message.id}`, `program:${program.id}`, `program:${unassigned.id}`, `assignment:${assignment.id}`]) expect(forCoach).toContain(id);
    // The coach's conversation is not the admin's.
    expect(await ids(admin)).not.toContain(`message:${message.id}`);

    const otherTenant = await ids(other.admin, [`workout:${theirs.id}`]);
    expect([...otherTenant].filter((id) => forAthlete.has(id))).toEqual([]);
    expect(otherTenant).toContain(`workout:${theirs.id}`);
  });

  test('a change whose transaction commits after a later one was read is still served', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const start = (await catchUp(athlete, undefined, [])).cursor;
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const lateId = randomUUID();
    // Takes its transaction id first, commits last.
    const late = gw.deps.db.withTenant(actorOf({ tenantId: athlete.tenantId, userId: athlete.id, role: 'ATHLETE' }, 'late-commit'), async (tx) => {
      await insertBodyMetric(tx, { id: lateId, userId: athlete.id, weightKg: 81, bodyFatPct: null, measuredAt: new Date('2026-12-02T07:00:00Z') });
      wrote();
      await held;
    });
    let early!: { id: string };
    let whileOpen!: { changes: Change[]; cursor: string };
    try {
      await written;
      early = (await gw.http().post('/v1/body-metrics').set(gw.auth(athlete)).send({ weightKg: 82, measuredAt: '2026-12-03T07:00:00Z' })).body;
      whileOpen = await drain(athlete, start);
    } finally {
      release();
      await late;
    }
    // The later transaction's change waits while the earlier one is open, whose change comes before it.
    expect(whileOpen.changes.map((c) => c.id)).not.toContain(early.id);
    const afterCommit = await catchUp(athlete, whileOpen.cursor, [`body_metric:upsert:${lateId}`, `body_metric:upsert:${early.id}`].filter((key) => !whileOpen.changes.map(keyOf).includes(key)));
    expect(ofEntity([...whileOpen.changes, ...afterCommit.changes], 'body_metric').map((c) => c.id).sort()).toEqual([lateId, early.id].sort());
  });

  test('read while many transactions write, the feed loses no change, repeats none and shows no foreign row', async () => {
    const { athlete, athlete2 } = await gw.tenantWithTeam();
    const squat = await exerciseId(athlete);
    const workoutOf = async (user: TestUser) => (await gw.http().post('/v1/workouts').set(gw.auth(user)).send({ title: 'Busy' })).body.id as string;
    const [mine, theirs] = [await workoutOf(athlete), await workoutOf(athlete2)];
    let cursor = (await catchUp(athlete, undefined, [`workout:upsert:${mine}`])).cursor;
    const log = async (user: TestUser, workoutId: string) => {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await gw.http().post(`/v1/workouts/${workoutId}/sets`).set(gw.auth(user)).send({ exerciseId: squat, reps: 1 + i, weightKg: 50 })).body.set.id);
      return ids;
    };
    let writing = true;
    const writers = Promise.all([log(athlete, mine), log(athlete, mine), log(athlete, mine), log(athlete2, theirs), log(athlete2, theirs)]).finally(() => {
      writing = false;
    });
    const seen: Change[] = [];
    while (writing) {
      const page = await drain(athlete, cursor, 5);
      seen.push(...page.changes);
      cursor = page.cursor;
    }
    const written = await writers;
    const logged = written.slice(0, 3).flat();
    const served = new Set(seen.map(keyOf));
    seen.push(...(await catchUp(athlete, cursor, logged.map((id) => `set:upsert:${id}`).filter((key) => !served.has(key)))).changes);
    expect(ofEntity(seen, 'set').map((c) => c.id).sort()).toEqual([...logged].sort());
    expect(seen.filter((c) => c.entity === 'workout').every((c) => c.id === mine)).toBe(true);
  });

  test('limit pages the feed with hasMore, each change once; limits outside 1..1000 and a bad cursor are 422', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const metrics: string[] = [];
    for (let i = 0; i < 3; i++) metrics.push((await gw.http().post('/v1/body-metrics').set(gw.auth(athlete)).send({ weightKg: 80 + i, measuredAt: `2026-12-0${i + 1}T07:00:00Z` })).body.id);
    await catchUp(athlete, undefined, metrics.map((id) => `body_metric:upsert:${id}`));
    const whole = (await changes(athlete, undefined, 1000)).changes;
    const pages: ChangesPage[] = [];
    let cursor: string | undefined;
    do {
      const page = await changes(athlete, cursor, 7);
      expect(page.changes.length).toBeLessThanOrEqual(7);
      expect(typeof page.nextCursor).toBe('string');
      pages.push(page);
      cursor = page.nextCursor;
    } while (pages[pages.length - 1]!.hasMore);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.slice(0, -1).every((p) => p.changes.length === 7)).toBe(true);
    expect(pages.flatMap((p) => p.changes)).toEqual(whole);

    const defaults = await changes(athlete);
    expect(defaults.changes).toEqual(whole);
    for (const limit of ['0', '1001', 'x']) expect((await gw.http().get('/v1/sync/changes').query({ limit }).set(gw.auth(athlete))).status).toBe(422);
    const bad = await gw.http().get('/v1/sync/changes').query({ since: 'not-a-cursor' }).set(gw.auth(athlete));
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /v1/sync/mutations', () => {
  test('applies a queue in order through the REST use cases, and a replay is a duplicate that changes nothing', async () => {
    const { coach, athlete } = await gw.tenantWithTeam();
    const squat = await exerciseId(athlete);
    const workoutId = randomUUID();
    const [setA, setB, messageId, metricId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const batch = [
      { clientMutationId: 'w-1', type: 'workout.start', payload: { id: workoutId, title: 'Offline legs' } },
      { clientMutationId: 's-1', type: 'set.log', payload: { id: setA, workoutId, exerciseId: squat, reps: 5, weightKg: 100 } },
      { clientMutationId: 's-2', type: 'set.log', payload: { id: setB, workoutId, exerciseId: squat, reps: 5, weightKg: 105 } },
      { clientMutationId: 'w-2', type: 'workout.complete', payload: { workoutId } },
      { clientMutationId: 'm-1', type: 'message.send', payload: { id: messageId, toUserId: coach.id, body: 'Done!' } },
      { clientMutationId: 'b-1', type: 'body_metric.add', payload: { id: metricId, weightKg: 79.5, measuredAt: '2026-12-06T07:00:00Z' } },
      { clientMutationId: 'u-1', type: 'set.update', payload: { workoutId, setId: setA, reps: 6 } },
      { clientMutationId: 'd-1', type: 'set.delete', payload: { workoutId, setId: setB } },
    ];
    const results = await mutate(athlete, batch);
    expect(results.map((r) => [r.clientMutationId, r.status])).toEqual(batch.map((m) => [m.clientMutationId, 'applied']));
    expect(results[0]!.data).toMatchObject({ id: workoutId, athleteId: athlete.id, status: 'in_progress' });
    expect(results[2]!.data).toMatchObject({ set: { id: setB, reps: 5, weightKg: 105 }, personalRecord: { exerciseId: squat, kind: 'e1rm' } });
    expect(results[3]!.data).toMatchObject({ id: workoutId, status: 'completed', summary: { sets: 2, volumeKg: 1025 } });
    expect(results[4]!.data).toMatchObject({ id: messageId, fromUserId: athlete.id, body: 'Done!' });
    expect(results[6]!.data).toMatchObject({ set: { id: setA, reps: 6, weightKg: 100 } });
    expect(results[7]!.data).toMatchObject({ setId: setB });

    const stored = (await gw.http().get(`/v1/workouts/${workoutId}`).set(gw.auth(athlete))).body;
    expect(stored.sets.map((s: { id: string; reps: number }) => [s.id, s.reps])).toEqual([[setA, 6]]);
    expect(stored.summary).toMatchObject({ sets: 1, volumeKg: 600 });
    const progress = (await gw.http().get(`/v1/athletes/${athlete.id}/progress`).set(gw.auth(athlete))).body;
    expect(progress.personalRecords.map((r: { setId: string }) => r.setId)).toContain(setA);
    expect(progress.personalRecords.map((r: { setId: string }) => r.setId)).not.toContain(setB);
    const events = await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) =>
      tx.select({ type: outboxEvents.type }).from(outboxEvents).where(and(eq(outboxEvents.tenantId, athlete.tenantId), sql`${outboxEvents.payload}->>'workoutId' = ${workoutId}`)),
    );
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect([count('workout.started'), count('workout.set_logged'), count('workout.completed'), count('workout.set_updated'), count('workout.set_deleted')]).toEqual([1, 2, 1, 1, 1]);
    expect(count('personal_record.achieved')).toBeGreaterThanOrEqual(2);
    const inbox = (await gw.http().get('/v1/conversations').set(gw.auth(coach))).body.items;
    expect(inbox).toHaveLength(1);

    const replay = await mutate(athlete, batch);
    expect(replay.map((r) => r.status)).toEqual(batch.map(() => 'duplicate'));
    expect(replay[0]!.data).toEqual(results[0]!.data);
    expect((await gw.http().get(`/v1/workouts/${workoutId}`).set(gw.auth(athlete))).body).toEqual(stored);
    const messages = (await gw.http().get(`/v1/conversations/${inbox[0].id}/messages`).set(gw.auth(coach))).body.items;
    expect(messages).toHaveLength(1);
    const metrics = (await gw.http().get('/v1/body-metrics').set(gw.auth(athlete))).body.items;
    expect(metrics).toHaveLength(1);
  });

  test('a refused mutation carries the REST problem and the rest still run', async () => {
    const { athlete, athlete2 } = await gw.tenantWithTeam();
    const squat = await exerciseId(athlete);
    const workoutId = randomUUID();
    const theirs = (await gw.http().post('/v1/workouts').set(gw.auth(athlete2)).send({ title: 'Not yours' })).body;
    const results = await mutate(athlete, [
      { clientMutationId: 'a', type: 'workout.start', payload: { id: workoutId } },
      { clientMutationId: 'b', type: 'set.log', payload: { id: randomUUID(), workoutId: randomUUID(), exerciseId: squat, reps: 5, weightKg: 50 } },
      { clientMutationId: 'c', type: 'set.log', payload: { id: randomUUID(), workoutId, exerciseId: squat, reps: -1, weightKg: 50 } },
      { clientMutationId: 'd', type: 'set.log', payload: { id: randomUUID(), workoutId: theirs.id, exerciseId: squat, reps: 5, weightKg: 50 } },
      { clientMutationId: 'e', type: 'set.update', payload: { workoutId, setId: randomUUID(), reps: 4 } },
      { clientMutationId: 'f', type: 'set.log', payload: { id: randomUUID(), workoutId, exerciseId: squat, reps: 5, weightKg: 50 } },
      { clientMutationId: 'g', type: 'workout.complete', payload: { workoutId } },
      { clientMutationId: 'h', type: 'set.log', payload: { id: randomUUID(), workoutId, exerciseId: squat, reps: 5, weightKg: 50 } },
    ]);
    expect(results.map((r) => [r.clientMutationId, r.status, r.error?.status, r.error?.code])).toEqual([
      ['a', 'applied', undefined, undefined],
      ['b', 'rejected', 404, 'NOT_FOUND'],
      ['c', 'rejected', 422, 'VALIDATION_FAILED'],
      ['d', 'rejected', 403, 'FORBIDDEN'],
      ['e', 'rejected', 404, 'NOT_FOUND'],
      ['f', 'applied', undefined, undefined],
      ['g', 'applied', undefined, undefined],
      ['h', 'rejected', 409, 'CONFLICT'],
    ]);
    expect(results[2]!.error).toMatchObject({ type: expect.any(String), title: expect.any(String), detail: expect.any(String), requestId: expect.any(String), errors: [{ path: 'reps', message: expect.any(String) }] });
    expect((await gw.http().get(`/v1/workouts/${workoutId}`).set(gw.auth(athlete))).body.sets).toHaveLength(1);
    // A refused mutation left no claim: sent again once it can apply, it applies.
    const retried = await mutate(athlete, [{ clientMutationId: 'b', type: 'workout.start', payload: { id: randomUUID() } }]);
    expect(retried[0]!.status).toBe('applied');
  });

  test('concurrent replays of one batch apply each mutation exactly once', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const squat = await exerciseId(athlete);
    const workoutId = randomUUID();
    const batch = [
      { clientMutationId: 'start', type: 'workout.start', payload: { id: workoutId } },
      ...Array.from({ length: 6 }, (_, i) => ({ clientMutationId: `set-${i}`, type: 'set.log', payload: { id: randomUUID(), workoutId, exerciseId: squat, reps: 5 + i, weightKg: 60 } })),
    ];
    const replies = await Promise.all(Array.from({ length: 4 }, () => mutate(athlete, batch)));
    for (const [index, mutation] of batch.entries()) {
      const statuses = replies.map((results) => results[index]!.status).sort();
      expect([mutation.clientMutationId, statuses]).toEqual([mutation.clientMutationId, ['applied', 'duplicate', 'duplicate', 'duplicate']]);
    }
    expect((await gw.http().get(`/v1/workouts/${workoutId}`).set(gw.auth(athlete))).body.sets).toHaveLength(6);
  });

  test('the batch is judged as a whole for its shape: 1..500 mutations of known types', async () => {
    const { athlete } = await gw.tenantWithTeam();
    for (const mutations of [[], Array.from({ length: 501 }, (_, i) => ({ clientMutationId: `m${i}`, type: 'body_metric.add', payload: {} })), [{ clientMutationId: 'x', type: 'workout.delete', payload: {} }]]) {
      const res = await gw.http().post('/v1/sync/mutations').set(gw.auth(athlete)).send({ mutations });
      expect(res.status).toBe(422);
    }
  });
});

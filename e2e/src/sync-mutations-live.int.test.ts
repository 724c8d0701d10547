import { randomUUID } from 'node:crypto';
import type { ClientToServerEvents, ServerToClientEvents } from '@coachline/domain/socket';
import { startGateway, type Gateway } from '@coachline/api-gateway/testing/gateway-harness';
import { startLiveRealtime, type LiveClient, type LiveRealtime } from './testing/live-realtime';


/**
 * Offline sync's mutations have the live effects of the matching calls: a set
 * logged through POST /v1/sync/mutations reaches a real socket.io client in the
 * workout's room, its record included, and a replay announces nothing.
 */
let gw: Gateway;
let realtime: LiveRealtime;

beforeAll(async () => {
  gw = await startGateway();
  realtime = await startLiveRealtime(gw);
});

afterAll(async () => {
  await realtime.close();
  await gw.close();
});

function request(socket: LiveClient, event: keyof ClientToServerEvents, payload: unknown): Promise<any> {
  return new Promise((resolve) => (socket.emit as (...args: unknown[]) => void)(event, payload, resolve));
}

test('a set.log that is a record is stored with its record and broadcast as set:completed to the workout room, once', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const squat = (await gw.http().get('/v1/exercises').query({ q: 'Back Squat' }).set(gw.auth(athlete))).body.items[0].id as string;
  const workoutId = randomUUID();
  const started = await gw.http().post('/v1/sync/mutations').set(gw.auth(athlete)).send({ mutations: [{ clientMutationId: 'start', type: 'workout.start', payload: { id: workoutId, title: 'Offline' } }] });
  expect(started.body.results[0].status).toBe('applied');

  const coachSocket = await realtime.connect(coach);
  expect(await request(coachSocket, 'workout:join', { workoutId })).toEqual({ ok: true });
  const seen: Parameters<ServerToClientEvents['set:completed']>[0][] = [];
  const first = new Promise<void>((resolve) =>
    coachSocket.on('set:completed', (payload) => {
      seen.push(payload);
      resolve();
    }),
  );

  const setId = randomUUID();
  const batch = { mutations: [{ clientMutationId: 'set', type: 'set.log', payload: { id: setId, workoutId, exerciseId: squat, reps: 5, weightKg: 120 } }] };
  const applied = await gw.http().post('/v1/sync/mutations').set(gw.auth(athlete)).send(batch);
  expect(applied.body.results[0]).toMatchObject({ status: 'applied', data: { set: { id: setId }, personalRecord: { exerciseId: squat, kind: 'e1rm', value: 140 } } });
  await first;
  expect(seen[0]).toEqual({ workoutId, ...applied.body.results[0].data });
  const records = (await gw.http().get(`/v1/athletes/${athlete.id}/progress`).set(gw.auth(coach))).body.personalRecords;
  expect(records.filter((r: { setId: string }) => r.setId === setId).map((r: { kind: string }) => r.kind)).toContain('e1rm');

  const replay = await gw.http().post('/v1/sync/mutations').set(gw.auth(athlete)).send(batch);
  expect(replay.body.results[0].status).toBe('duplicate');
  // A later set's broadcast arrives after any the replay could have sent, on the same room and connection.
  const later = new Promise<void>((resolve) => coachSocket.on('set:completed', (payload) => payload.set.reps === 1 && resolve()));
  await gw.http().post(`/v1/workouts/${workoutId}/sets`).set(gw.auth(athlete)).send({ exerciseId: squat, reps: 1, weightKg: 20 });
  await later;
  expect(seen.map((payload) => payload.set.id)).toEqual([setId, expect.any(String)]);
});

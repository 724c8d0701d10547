import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectLive, createCoachlineClient, LiveAckError, memoryTokenStore, type CoachlineClient, type LiveConnection, type ServerEvents } from '@coachline/sdk';
import { createHttpServer } from '@coachline/api-gateway/http/server';
import { startGateway, type Gateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { rooms } from '@coachline/domain/socket';
import { startLiveRealtime, type LiveRealtime } from './testing/live-realtime';

/**
 * The SDK's live socket against a real gateway and realtime server: access
 * tokens last 30 s here, so the socket has to hand each new one over to stay
 * open; acknowledgements come back typed, refusals as LiveAckError; and the
 * socket comes back on its own when the server drops it, with what it missed.
 */
const TOKEN_TTL_SECONDS = 30;

let gw: Gateway;
let server: Server;
let baseUrl: string;
let realtime: LiveRealtime;
const connections: LiveConnection[] = [];

beforeAll(async () => {
  gw = await startGateway({ ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS) });
  server = createHttpServer(gw.app).listen(0);
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  realtime = await startLiveRealtime(gw);
});

afterAll(async () => {
  for (const connection of connections) connection.close();
  await realtime.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await gw.close();
});

const sessionOf = (user: TestUser): CoachlineClient => createCoachlineClient({ baseUrl, tokens: memoryTokenStore({ accessToken: user.accessToken, refreshToken: user.refreshToken }) });

async function liveFor(client: CoachlineClient, refreshAheadMs?: number): Promise<LiveConnection> {
  const connection = connectLive(client, { url: realtime.url, ...(refreshAheadMs ? { refreshAheadMs } : {}), socketOptions: { transports: ['websocket'], forceNew: true } });
  connections.push(connection);
  await connection.connected();
  return connection;
}

/** Waits for a condition the test cannot be told about, checking it again and again. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/** The next `set:completed` of the set with this id. */
function setCompleted(live: LiveConnection, setId: () => string | undefined): Promise<ServerEvents['set:completed']> {
  return new Promise((resolve) => {
    const off = live.on('set:completed', (payload) => {
      if (payload.set.id !== setId()) return;
      off();
      resolve(payload);
    });
  });
}

async function athleteWorkout(athlete: CoachlineClient) {
  const exercises = await athlete.api.GET('/v1/exercises', { params: { query: { q: 'Back Squat' } } });
  const squat = exercises.data!.items[0]!.id;
  const workout = await athlete.api.POST('/v1/workouts', { body: { title: 'Live session' } });
  return { squat, workoutId: workout.data!.id };
}

test(
  'a socket outlives three access tokens: the SDK hands each new one over with auth:refresh, and events still arrive after',
  async () => {
    const { coach, athlete } = await gw.tenantWithTeam();
    const athleteClient = sessionOf(athlete);
    const live = await liveFor(sessionOf(coach), 10_000);
    const socketId = live.socket.id;
    let disconnects = 0;
    let handedOver = 0;
    live.socket.on('disconnect', () => disconnects++);
    live.socket.onAnyOutgoing((event) => {
      if (event === 'auth:refresh') handedOver++;
    });
    const { squat, workoutId } = await athleteWorkout(athleteClient);
    await live.request('workout:join', { workoutId });

    // Three lifetimes of the token the socket connected with, and then some.
    await new Promise((resolve) => setTimeout(resolve, (3 * TOKEN_TTL_SECONDS + 2) * 1000));

    const wanted: { setId?: string } = {};
    const heard = setCompleted(live, () => wanted.setId);
    const logged = await athleteClient.api.POST('/v1/workouts/{id}/sets', { params: { path: { id: workoutId } }, body: { exerciseId: squat, reps: 3, weightKg: 90 } });
    wanted.setId = logged.data!.set.id;
    expect((await heard).set).toMatchObject({ id: wanted.setId, reps: 3, weightKg: 90 });
    expect({ disconnects, sameSocket: live.socket.id === socketId, connected: live.socket.connected }).toEqual({ disconnects: 0, sameSocket: true, connected: true });
    expect(handedOver).toBeGreaterThanOrEqual(3);
  },
  (3 * TOKEN_TTL_SECONDS + 40) * 1000,
);

test('set:complete resolves with its typed acknowledgement: the set, the progress and the record', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const athleteClient = sessionOf(athlete);
  const live = await liveFor(athleteClient);
  const { squat, workoutId } = await athleteWorkout(athleteClient);

  const { set, progress, personalRecord } = await live.request('set:complete', { workoutId, exerciseId: squat, reps: 5, weightKg: 100 });
  const reps: number = set.reps;
  expect(reps).toBe(5);
  expect(set).toMatchObject({ exerciseId: squat, weightKg: 100, rpe: null, loggedAt: expect.any(String) });
  expect(progress).toEqual({ completed: expect.any(Number), planned: 0, percent: expect.any(Number) });
  expect(personalRecord).toMatchObject({ exerciseId: squat, kind: 'e1rm' });

  const workout = await athleteClient.api.GET('/v1/workouts/{id}', { params: { path: { id: workoutId } } });
  expect(workout.data!.sets.map((s) => s.id)).toEqual([set.id]);
});

test("a refused event rejects with a LiveAckError carrying the acknowledgement's code and message", async () => {
  const { athlete } = await gw.tenantWithTeam();
  const stranger = (await gw.tenantWithTeam()).coach;
  const { workoutId } = await athleteWorkout(sessionOf(athlete));
  const live = await liveFor(sessionOf(stranger));

  const refused = await live.request('workout:join', { workoutId }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(LiveAckError);
  expect(refused).toMatchObject({ event: 'workout:join', code: 'NOT_FOUND', message: expect.any(String) });

  const invalid = await live.request('set:complete', { workoutId, exerciseId: 'not-a-uuid', reps: -1, weightKg: 10 }).catch((error: unknown) => error);
  expect(invalid).toBeInstanceOf(LiveAckError);
  expect((invalid as LiveAckError).code).toBe('VALIDATION_FAILED');
  expect((invalid as LiveAckError).message).toMatch(/exerciseId/);
});

test('dropped by the server, the socket comes back on its own: recovered with the events it missed, or joined again to the workouts it watched', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const athleteClient = sessionOf(athlete);
  const live = await liveFor(sessionOf(coach));
  const { squat, workoutId } = await athleteWorkout(athleteClient);
  await live.request('workout:join', { workoutId });
  const serverSocket = () => [...realtime.server.io.of('/').sockets.values()].find((s) => s.data.userId === coach.id);
  const logSet = async (reps: number) =>
    (await athleteClient.api.POST('/v1/workouts/{id}/sets', { params: { path: { id: workoutId } }, body: { exerciseId: squat, reps, weightKg: 60 } })).data!.set.id;

  // One event first, so the socket holds an offset to recover from.
  let setId: string | undefined;
  let heard = setCompleted(live, () => setId);
  setId = await logSet(1);
  await heard;

  // The connection is cut under the socket; a set is logged while it is away.
  const away = new Promise((resolve) => live.socket.once('disconnect', resolve));
  serverSocket()!.conn.close();
  expect(await away).toBe('transport close');
  heard = setCompleted(live, () => setId);
  setId = await logSet(2);
  expect((await heard).set.reps).toBe(2);
  expect(live.socket.recovered).toBe(true);

  // The server closes the socket itself (as it does when a token lapses): the SDK connects again and joins the workout again.
  const firstSocket = serverSocket()!;
  firstSocket.disconnect();
  await eventually(() => live.socket.connected && serverSocket() !== undefined && serverSocket() !== firstSocket, 'a new connection');
  expect(live.socket.recovered).toBe(false);
  await eventually(async () => (await realtime.server.io.in(rooms.workout(coach.tenantId, workoutId)).fetchSockets()).length === 1, "the coach's socket back in the workout's room");
  heard = setCompleted(live, () => setId);
  setId = await logSet(3);
  expect((await heard).set.reps).toBe(3);
  expect(await live.request('workout:leave', { workoutId })).toEqual({});
});

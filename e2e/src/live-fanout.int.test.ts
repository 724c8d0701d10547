import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@coachline/domain/socket';
import { startGateway, type Gateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis, type Redis } from '@coachline/runtime/redis';
import { configSchema } from '@coachline/realtime/config';
import { createRealtimeServer, type RealtimeServer } from '@coachline/realtime/realtime-server';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Two realtime processes' servers (in this process, on two ports, sharing one
 * Redis) and the gateway: what is logged through one instance, or over REST,
 * reaches a client connected to the other.
 */
let gw: Gateway;
const realtime: { server: RealtimeServer; redis: Redis; url: string }[] = [];
const sockets: Client[] = [];

beforeAll(async () => {
  gw = await startGateway();
  const config = loadConfig(configSchema, { JWT_SECRET: gw.deps.config.JWT_SECRET, LOG_LEVEL: 'silent' });
  for (let i = 0; i < 2; i++) {
    const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
    const server = createRealtimeServer({ config, logger: createLogger('realtime', 'silent'), db: gw.deps.db, redis, tokens: gw.deps.tokens, metrics: createMetricsRegistry('realtime') });
    const port = await server.listen(0);
    realtime.push({ server, redis, url: `http://127.0.0.1:${port}` });
  }
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  for (const { server, redis } of realtime) {
    await server.close();
    await redis.quit();
  }
  await gw.close();
});

function client(instance: number, user: TestUser): Promise<Client> {
  const socket: Client = connect(realtime[instance]!.url, { auth: { token: user.accessToken }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function request(socket: Client, event: keyof ClientToServerEvents, payload: unknown): Promise<any> {
  return new Promise((resolve) => (socket.emit as (...args: unknown[]) => void)(event, payload, resolve));
}

function next<E extends keyof ServerToClientEvents>(socket: Client, event: E, match: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean) {
  return new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve) => {
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

test('a coach on instance 1 receives sets logged over the socket of instance 2 and over REST', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const exerciseId = (await gw.http().get('/v1/exercises').query({ q: 'Back Squat' }).set(gw.auth(athlete))).body.items[0].id;
  const workout = (await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ title: 'Legs' })).body;

  const coachSocket = await client(0, coach);
  expect(await request(coachSocket, 'workout:join', { workoutId: workout.id })).toEqual({ ok: true });
  const online = next(coachSocket, 'presence:update', (p) => p.userId === athlete.id && p.online);
  const athleteSocket = await client(1, athlete);
  expect(await online).toEqual({ userId: athlete.id, online: true });

  const viaSocket = next(coachSocket, 'set:completed', (p) => p.workoutId === workout.id);
  const ack = await request(athleteSocket, 'set:complete', { workoutId: workout.id, exerciseId, reps: 5, weightKg: 100 });
  expect(ack.ok).toBe(true);
  expect(await viaSocket).toEqual({ workoutId: workout.id, set: ack.set, progress: ack.progress, personalRecord: { exerciseId, kind: 'e1rm', value: 116.67 } });

  const viaRest = next(coachSocket, 'set:completed', (p) => p.set.reps === 6);
  const id = randomUUID();
  const rest = await gw.http().post(`/v1/workouts/${workout.id}/sets`).set(gw.auth(athlete)).send({ id, exerciseId, reps: 6, weightKg: 100 });
  expect(rest.status).toBe(201);
  expect(await viaRest).toEqual({ workoutId: workout.id, set: rest.body.set, progress: rest.body.progress, personalRecord: rest.body.personalRecord });

  const offline = next(coachSocket, 'presence:update', (p) => p.userId === athlete.id && !p.online);
  athleteSocket.disconnect();
  expect(await offline).toEqual({ userId: athlete.id, online: false });
});

test('a message sent over REST reaches the recipient live on another instance', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const athleteSocket = await client(1, athlete);
  const conversation = (await gw.http().post('/v1/conversations').set(gw.auth(coach)).send({ userId: athlete.id })).body;
  const received = next(athleteSocket, 'message:new', (m) => m.conversationId === conversation.id);
  const sent = await gw.http().post(`/v1/conversations/${conversation.id}/messages`).set(gw.auth(coach)).send({ body: 'Great session' });
  expect(sent.status).toBe(201);
  expect(await received).toEqual(sent.body);

  const coachSocket = await client(0, coach);
  const reply = next(coachSocket, 'message:new', (m) => m.conversationId === conversation.id);
  const ack = await request(athleteSocket, 'message:send', { toUserId: coach.id, body: 'Thanks!' });
  expect(await reply).toEqual(ack.message);
});

test("a set corrected or deleted over REST reaches the workout's room on either instance as set:updated and set:deleted", async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const exerciseId = (await gw.http().get('/v1/exercises').query({ q: 'Deadlift' }).set(gw.auth(athlete))).body.items[0].id;
  const workout = (await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ title: 'Pull' })).body;
  const coachSocket = await client(0, coach);
  const athleteSocket = await client(1, athlete);
  expect(await request(coachSocket, 'workout:join', { workoutId: workout.id })).toEqual({ ok: true });
  expect(await request(athleteSocket, 'workout:join', { workoutId: workout.id })).toEqual({ ok: true });
  const logged = (await gw.http().post(`/v1/workouts/${workout.id}/sets`).set(gw.auth(athlete)).send({ exerciseId, reps: 5, weightKg: 180 })).body;

  const updatedForCoach = next(coachSocket, 'set:updated', (p) => p.workoutId === workout.id);
  const updatedForAthlete = next(athleteSocket, 'set:updated', (p) => p.workoutId === workout.id);
  const patched = await gw.http().patch(`/v1/workouts/${workout.id}/sets/${logged.set.id}`).set(gw.auth(coach)).send({ weightKg: 170 });
  expect(patched.status).toBe(200);
  const expected = { workoutId: workout.id, set: patched.body.set, progress: patched.body.progress, personalRecord: patched.body.personalRecord };
  expect(await updatedForCoach).toEqual(expected);
  expect(await updatedForAthlete).toEqual(expected);

  const deleted = next(coachSocket, 'set:deleted', (p) => p.workoutId === workout.id);
  expect((await gw.http().delete(`/v1/workouts/${workout.id}/sets/${logged.set.id}`).set(gw.auth(athlete))).status).toBe(204);
  expect(await deleted).toEqual({ workoutId: workout.id, setId: logged.set.id, progress: { completed: 0, planned: 0, percent: 0 } });
});

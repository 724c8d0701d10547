import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@coachline/domain/socket';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { configSchema } from '@coachline/realtime/config';
import { createRealtimeServer, type RealtimeServer } from '@coachline/realtime/realtime-server';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { startEventStack, type EventStack } from './testing/event-stack';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * `workout:started` travels the way other live events do: the gateway's
 * outbox row, the relay, the notifications worker, the live stream, and the
 * tenant's coaches' sockets.
 */
let stack: EventStack;
let realtime: RealtimeServer;
let url: string;
const sockets: Client[] = [];

beforeAll(async () => {
  stack = await startEventStack();
  stack.relay().start();
  stack.worker();
  const config = loadConfig(configSchema, { JWT_SECRET: stack.gw.deps.config.JWT_SECRET, LOG_LEVEL: 'silent' });
  realtime = createRealtimeServer({ config, logger: createLogger('realtime', 'silent'), db: stack.gw.deps.db, redis: stack.connection(), tokens: stack.gw.deps.tokens, metrics: createMetricsRegistry('realtime') });
  url = `http://127.0.0.1:${await realtime.listen(0)}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await realtime.close();
  await stack.close();
});

function client(user: TestUser): Promise<Client> {
  const socket: Client = connect(url, { auth: { token: user.accessToken }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

test("the tenant's coaches hear workout:started when an athlete starts a workout; other tenants' coaches and athletes do not", async () => {
  const { coach, admin, athlete, athlete2 } = await stack.team();
  const outsider = await stack.team();
  const [coachSocket, adminSocket, athleteSocket, outsiderSocket] = await Promise.all([client(coach), client(admin), client(athlete2), client(outsider.coach)]);
  const heard: unknown[] = [];
  athleteSocket.on('workout:started', (p) => heard.push(p));
  outsiderSocket.on('workout:started', (p) => heard.push(p));

  const forCoach = new Promise((resolve) => coachSocket.on('workout:started', resolve));
  const forAdmin = new Promise((resolve) => adminSocket.on('workout:started', resolve));
  const started = await stack.gw.http().post('/v1/workouts').set(stack.gw.auth(athlete)).send({ title: 'Heavy singles' });
  expect(started.status).toBe(201);
  const expected = { workoutId: started.body.id, athleteId: athlete.id, title: 'Heavy singles' };
  expect(await forCoach).toEqual(expected);
  expect(await forAdmin).toEqual(expected);

  // The outsider tenant's own start arrives at its coach after ours went out: nothing of ours reached it first.
  const outsiderHears = new Promise((resolve) => outsiderSocket.on('workout:started', resolve));
  const theirs = await stack.gw.http().post('/v1/workouts').set(stack.gw.auth(outsider.athlete)).send({});
  expect(await outsiderHears).toEqual({ workoutId: theirs.body.id, athleteId: outsider.athlete.id, title: null });
  expect(heard).toEqual([{ workoutId: theirs.body.id, athleteId: outsider.athlete.id, title: null }]);
});

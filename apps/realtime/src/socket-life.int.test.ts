import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { io as connect } from 'socket.io-client';
import { memberships } from '@coachline/db/schema/index';
import { rooms } from '@coachline/domain/socket';
import { AccessTokens } from '@coachline/runtime/access-token';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { createRedis } from '@coachline/runtime/redis';
import { nextEvent, realtimeTestKit, request, type Client, type Member } from './testing/realtime-harness';

/** How long a socket lives: auth:refresh, workout:leave, and connection state recovery across instances. */
const kit = realtimeTestKit();
const urls: string[] = [];
beforeAll(async () => {
  // Two instances: what one broadcasts, a client recovering on the other gets.
  for (let i = 0; i < 2; i++) urls.push((await kit.startServer()).url);
});
afterAll(() => kit.close());

const disconnected = (socket: Client) => new Promise<string>((resolve) => (socket.connected ? socket.once('disconnect', resolve) : resolve('already')));
const tokensLasting = (ttlSeconds: number) => new AccessTokens({ secret: kit.config.JWT_SECRET, issuer: kit.config.JWT_ISSUER, audience: kit.config.JWT_AUDIENCE, ttlSeconds });
const tokenOf = (member: Member, ttlSeconds: number) => tokensLasting(ttlSeconds).sign({ userId: member.id, tenantId: member.tenantId, role: member.role });

describe('auth:refresh', () => {
  test('a socket given a fresh token of its user lives past the expiry of the token it connected with, until the new one expires', async () => {
    const { athlete } = await kit.tenantWithTeam();
    const firstToken = tokenOf(athlete, 4);
    const originalExpiry = tokensLasting(4).verify(firstToken).expiresAt * 1000;
    const socket = await kit.client(urls[0]!, firstToken);
    const gone = disconnected(socket);

    const refreshed = await request(socket, 'auth:refresh', { token: tokenOf(athlete, 8) });
    expect(refreshed).toEqual({ ok: true, expiresAt: expect.any(String) });
    const newExpiry = Date.parse(refreshed.expiresAt);
    expect(newExpiry).toBeGreaterThan(originalExpiry);

    await sleep(originalExpiry - Date.now() + 500);
    expect(socket.connected).toBe(true);
    expect(await request(socket, 'workout:join', { workoutId: await kit.startWorkout(athlete) })).toEqual({ ok: true });
    expect(await gone).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(newExpiry - 50);
  });

  test("another user's or tenant's token, a bad token and a bad payload are refused, and the socket keeps its own expiry", async () => {
    const team = await kit.tenantWithTeam();
    const outsider = await kit.tenantWithTeam();
    const socket = await kit.client(urls[0]!, tokenOf(team.athlete, 5));
    expect(await request(socket, 'auth:refresh', { token: tokenOf(team.athlete2, 60) })).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    expect(await request(socket, 'auth:refresh', { token: tokenOf(outsider.athlete, 60) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(socket, 'auth:refresh', { token: 'not-a-token' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await request(socket, 'auth:refresh', { token: 42 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await disconnected(socket)).toBe('io server disconnect');
  });
});

test('workout:leave stops the room events: the next marker arrives with no set:completed before it', async () => {
  const team = await kit.tenantWithTeam();
  const workoutId = await kit.startWorkout(team.athlete);
  const coach = await kit.client(urls[0]!, team.coach.token);
  const athlete = await kit.client(urls[1]!, team.athlete.token);
  expect(await request(coach, 'workout:join', { workoutId })).toEqual({ ok: true });
  const first = nextEvent(coach, 'set:completed');
  expect((await request(athlete, 'set:complete', { workoutId, exerciseId: team.exerciseId, reps: 5, weightKg: 60 })).ok).toBe(true);
  await first;

  expect(await request(coach, 'workout:leave', { workoutId })).toEqual({ ok: true });
  const afterLeaving: unknown[] = [];
  coach.on('set:completed', (payload) => afterLeaving.push(payload));
  expect((await request(athlete, 'set:complete', { workoutId, exerciseId: team.exerciseId, reps: 6, weightKg: 60 })).ok).toBe(true);
  // One stream carries both, in order: once the marker is in, the set would have been too.
  const redis = createRedis(kit.config.REDIS_URL);
  const marker = nextEvent(coach, 'notification:new', (n) => n.id === 'marker');
  createLiveEmitter(redis, () => undefined).to(rooms.user(team.tenantId, team.coach.id)).emit('notification:new', { id: 'marker', type: 'test', title: 'marker', body: 'marker', data: {} });
  await marker;
  await redis.quit();
  expect(afterLeaving).toEqual([]);
  expect(await request(coach, 'workout:leave', { workoutId: 'nope' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
});

describe('connection state recovery', () => {
  function recoverableClient(url: string, token: string): Promise<Client> {
    // Reconnected by hand below, so the test decides when the client comes back.
    const socket: Client = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  test('a client that drops for 30 s and comes back (to another instance) gets the set:completed it missed, with its rooms', async () => {
    const team = await kit.tenantWithTeam();
    const workoutId = await kit.startWorkout(team.athlete);
    const coach = await recoverableClient(urls[0]!, team.coach.token);
    const athlete = await kit.client(urls[1]!, team.athlete.token);
    expect(await request(coach, 'workout:join', { workoutId })).toEqual({ ok: true });
    const live = nextEvent(coach, 'set:completed');
    expect((await request(athlete, 'set:complete', { workoutId, exerciseId: team.exerciseId, reps: 5, weightKg: 80 })).ok).toBe(true);
    await live;

    // The connection drops without a goodbye, as when a phone loses its network.
    const dropped = disconnected(coach);
    coach.io.engine.close();
    await dropped;
    const missed = await request(athlete, 'set:complete', { workoutId, exerciseId: team.exerciseId, reps: 3, weightKg: 90 });
    expect(missed.ok).toBe(true);
    // Away for 30 s, as a phone losing its network on the way to the gym: long gone for the server, well inside the recovery window.
    await sleep(30_000);

    const replayed = nextEvent(coach, 'set:completed', (p) => p.set.id === missed.set.id);
    // Back on the other instance: the session and the stream are shared through Redis.
    (coach.io as unknown as { uri: string }).uri = urls[1]!;
    const back = new Promise<void>((resolve) => coach.once('connect', () => resolve()));
    coach.connect();
    await back;
    expect(coach.recovered).toBe(true);
    expect(await replayed).toEqual({ workoutId, set: missed.set, progress: missed.progress, personalRecord: expect.objectContaining({ exerciseId: team.exerciseId }) });
    // Its rooms came back too: the next set arrives live.
    const after = nextEvent(coach, 'set:completed', (p) => p.set.reps === 2);
    expect((await request(athlete, 'set:complete', { workoutId, exerciseId: team.exerciseId, reps: 2, weightKg: 90 })).ok).toBe(true);
    await after;
    coach.disconnect();
  }, 90_000);

  test('the token is checked again on recovery: a member removed while away is refused', async () => {
    const team = await kit.tenantWithTeam();
    const workoutId = await kit.startWorkout(team.athlete);
    const athlete = await recoverableClient(urls[0]!, team.athlete.token);
    expect(await request(athlete, 'workout:join', { workoutId })).toEqual({ ok: true });
    const live = nextEvent(athlete, 'set:completed');
    expect((await request(athlete, 'set:complete', { workoutId, exerciseId: team.exerciseId, reps: 5, weightKg: 80 })).ok).toBe(true);
    await live;

    const dropped = disconnected(athlete);
    athlete.io.engine.close();
    await dropped;
    await kit.db.withTenant({ tenantId: team.tenantId }, (tx) => tx.update(memberships).set({ removedAt: new Date() }).where(eq(memberships.userId, team.athlete.id)));
    const refused = new Promise<Error>((resolve) => athlete.once('connect_error', resolve));
    athlete.connect();
    expect((await refused).message).toBe('UNAUTHENTICATED');
  });
});

import { randomUUID } from 'node:crypto';
import { rooms } from '@coachline/domain/socket';
import { AccessTokens } from '@coachline/runtime/access-token';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { Presence } from '@coachline/runtime/presence';
import { createRedis } from '@coachline/runtime/redis';
import { nextEvent, realtimeTestKit, request, type Client } from './testing/realtime-harness';

const kit = realtimeTestKit();
let url: string;
beforeAll(async () => {
  ({ url } = await kit.startServer());
});
afterAll(() => kit.close());

const disconnected = (socket: Client) => new Promise<string>((resolve) => (socket.connected ? socket.once('disconnect', resolve) : resolve('already')));

describe('handshake', () => {
  test('a missing, malformed, foreign or expired token is refused with connect_error', async () => {
    await expect(kit.client(url, undefined)).rejects.toMatchObject({ message: 'UNAUTHENTICATED', data: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    await expect(kit.client(url, 'not-a-jwt')).rejects.toThrow('UNAUTHENTICATED');
    const foreign = new AccessTokens({ secret: 'x'.repeat(40), issuer: kit.config.JWT_ISSUER, audience: kit.config.JWT_AUDIENCE, ttlSeconds: 60 });
    const { athlete } = await kit.tenantWithTeam();
    await expect(kit.client(url, foreign.sign({ userId: athlete.id, tenantId: athlete.tenantId, role: 'ATHLETE' }))).rejects.toThrow('UNAUTHENTICATED');
    const expired = new AccessTokens({ secret: kit.config.JWT_SECRET, issuer: kit.config.JWT_ISSUER, audience: kit.config.JWT_AUDIENCE, ttlSeconds: -10 });
    await expect(kit.client(url, expired.sign({ userId: athlete.id, tenantId: athlete.tenantId, role: 'ATHLETE' }))).rejects.toThrow('UNAUTHENTICATED');
  });

  test('the Authorization header is accepted in place of auth.token', async () => {
    const { athlete } = await kit.tenantWithTeam();
    const socket = await kit.client(url, undefined, { authorization: `Bearer ${athlete.token}` });
    expect(socket.connected).toBe(true);
  });

  test('a socket is disconnected once its token expires', async () => {
    const { athlete } = await kit.tenantWithTeam();
    // Long enough for the handshake to succeed on a loaded machine, short enough to wait for.
    const shortLived = new AccessTokens({ secret: kit.config.JWT_SECRET, issuer: kit.config.JWT_ISSUER, audience: kit.config.JWT_AUDIENCE, ttlSeconds: 5 });
    const socket = await kit.client(url, shortLived.sign({ userId: athlete.id, tenantId: athlete.tenantId, role: 'ATHLETE' }));
    expect(await disconnected(socket)).toBe('io server disconnect');
  });

  test('health and metrics are served on the same port', async () => {
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    // Each check has a 2 s budget, which a heavily loaded machine can miss now and then: poll for readiness.
    let ready: { checks?: unknown } = {};
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      const res = await fetch(`${url}/health/ready`);
      ready = (await res.json()) as { checks?: unknown };
      if (res.status === 200) break;
    }
    expect(ready.checks).toEqual({ db: 'up', redis: 'up' });
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('realtime_connected_sockets');
  });
});

describe('live workouts', () => {
  test("workout:join admits the workout's athlete and the tenant's staff only", async () => {
    const team = await kit.tenantWithTeam();
    const workoutId = await kit.startWorkout(team.athlete);
    for (const member of [team.athlete, team.coach, team.admin]) {
      expect(await request(await kit.client(url, member.token), 'workout:join', { workoutId })).toEqual({ ok: true });
    }
    const other = await kit.client(url, team.athlete2.token);
    expect(await request(other, 'workout:join', { workoutId })).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    expect(await request(other, 'workout:join', { workoutId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const outsider = await kit.tenantWithTeam();
    expect(await request(await kit.client(url, outsider.coach.token), 'workout:join', { workoutId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test('set:complete stores the set, acks with progress and broadcasts set:completed to the workout room', async () => {
    const team = await kit.tenantWithTeam();
    const workoutId = await kit.startWorkout(team.athlete);
    const coach = await kit.client(url, team.coach.token);
    await request(coach, 'workout:join', { workoutId });
    const athlete = await kit.client(url, team.athlete.token);
    const id = randomUUID();
    const seen = nextEvent(coach, 'set:completed');
    const ack = await request(athlete, 'set:complete', { id, workoutId, exerciseId: team.exerciseId, reps: 5, weightKg: 100, rpe: 8 });
    expect(ack).toMatchObject({ ok: true, set: { id, exerciseId: team.exerciseId, reps: 5, weightKg: 100, rpe: 8 }, progress: { completed: 0, planned: 0, percent: 0 } });
    expect(await seen).toEqual({ workoutId, set: ack.set, progress: ack.progress, personalRecord: { exerciseId: team.exerciseId, kind: 'e1rm', value: 116.67 } });

    const replay = await request(athlete, 'set:complete', { id, workoutId, exerciseId: team.exerciseId, reps: 5, weightKg: 100, rpe: 8 });
    expect(replay).toEqual(ack);
    // A coach logs for the athlete too; only the next set reaches the room after the replay.
    const next = nextEvent(coach, 'set:completed');
    const coachAck = await request(coach, 'set:complete', { workoutId, exerciseId: team.exerciseId, reps: 6, weightKg: 100 });
    expect(coachAck.ok).toBe(true);
    expect((await next).set.id).toBe(coachAck.set.id);
  });

  test('bad payloads are answered with VALIDATION_FAILED and never crash the server', async () => {
    const team = await kit.tenantWithTeam();
    const workoutId = await kit.startWorkout(team.athlete);
    const socket = await kit.client(url, team.athlete.token);
    const bad: [string, unknown][] = [
      ['workout:join', null],
      ['workout:join', 'x'],
      ['workout:join', { workoutId: 'nope' }],
      ['set:complete', { workoutId, exerciseId: team.exerciseId, reps: -1, weightKg: 10 }],
      ['set:complete', { workoutId, exerciseId: team.exerciseId, reps: 1, weightKg: 1e9 }],
      ['set:complete', { workoutId, exerciseId: team.exerciseId, reps: 1, weightKg: 10, athleteId: team.athlete2.id }],
      ['set:complete', [1, 2, 3]],
      ['message:send', { toUserId: team.coach.id, body: '' }],
      ['message:send', { toUserId: team.coach.id, body: 'x'.repeat(10_001) }],
      ['message:send', 42],
    ];
    for (const [event, payload] of bad) {
      expect(await request(socket, event as never, payload)).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    }
    // Events without an acknowledgement, and unknown events, are tolerated.
    (socket.emit as (...args: unknown[]) => void)('set:complete', { nonsense: true });
    (socket.emit as (...args: unknown[]) => void)('no:such:event', 1, 2, 3);
    expect(await request(socket, 'set:complete', { workoutId, exerciseId: randomUUID(), reps: 1, weightKg: 10 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await request(socket, 'workout:join', { workoutId })).toEqual({ ok: true });
  });

  test('a message over maxHttpBufferSize closes that connection only', async () => {
    const team = await kit.tenantWithTeam();
    const socket = await kit.client(url, team.athlete.token);
    const gone = disconnected(socket);
    socket.emit('message:send', { toUserId: team.coach.id, body: 'x'.repeat(kit.config.REALTIME_MAX_BUFFER_BYTES + 1) }, () => undefined);
    expect(await gone).toBe('transport close');
    const fresh = await kit.client(url, team.athlete.token);
    expect(await request(fresh, 'workout:join', { workoutId: await kit.startWorkout(team.athlete) })).toEqual({ ok: true });
  });
});

describe('messaging', () => {
  test('message:send stores the message and delivers message:new to every connection of the recipient', async () => {
    const team = await kit.tenantWithTeam();
    const phone = await kit.client(url, team.coach.token);
    const laptop = await kit.client(url, team.coach.token);
    const athlete = await kit.client(url, team.athlete.token);
    const [onPhone, onLaptop] = [nextEvent(phone, 'message:new'), nextEvent(laptop, 'message:new')];
    const ack = await request(athlete, 'message:send', { toUserId: team.coach.id, body: 'Done with squats' });
    expect(ack).toEqual({
      ok: true,
      message: { id: expect.any(String), conversationId: expect.any(String), fromUserId: team.athlete.id, body: 'Done with squats', workoutId: null, createdAt: expect.any(String) },
    });
    expect(await onPhone).toEqual(ack.message);
    expect(await onLaptop).toEqual(ack.message);
    expect(await request(athlete, 'message:send', { toUserId: team.athlete.id, body: 'me' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const outsider = await kit.tenantWithTeam();
    expect(await request(athlete, 'message:send', { toUserId: outsider.coach.id, body: 'hi' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('presence and abuse limits', () => {
  test("coaches see an athlete come online with the first socket and go offline with the last", async () => {
    const team = await kit.tenantWithTeam();
    const coach = await kit.client(url, team.coach.token);
    const online = nextEvent(coach, 'presence:update', (p) => p.userId === team.athlete.id);
    const first = await kit.client(url, team.athlete.token);
    expect(await online).toEqual({ userId: team.athlete.id, online: true });
    const second = await kit.client(url, team.athlete.token);
    const offline = nextEvent(coach, 'presence:update', (p) => p.userId === team.athlete.id);
    first.disconnect();
    second.disconnect();
    expect(await offline).toEqual({ userId: team.athlete.id, online: false });
  });

  test('users whose sockets were on an instance that died go offline once their leases lapse', async () => {
    const { url: sweeping } = await kit.startServer({ REALTIME_PRESENCE_LEASE_SECONDS: 3 });
    const team = await kit.tenantWithTeam();
    const coach = await kit.client(sweeping, team.coach.token);
    // A socket registered by an instance that then vanished: nobody renews or removes its lease.
    const redis = createRedis(kit.config.REDIS_URL, { maxRetriesPerRequest: 20 });
    try {
      expect(await new Presence(redis, 1_000).connect(team.tenantId, team.athlete2.id, 'dead-instance:socket')).toBe(1);
      expect(await nextEvent(coach, 'presence:update', (p) => p.userId === team.athlete2.id)).toEqual({ userId: team.athlete2.id, online: false });
      expect(await new Presence(redis, 1_000).isOnline(team.tenantId, team.athlete2.id)).toBe(false);
    } finally {
      await redis.quit();
    }
  });

  test('one user holds at most the configured number of sockets: the next handshake is refused, the open ones are unaffected', async () => {
    const { url: capped } = await kit.startServer({ REALTIME_MAX_CONNECTIONS_PER_USER: 10 });
    const { athlete, coach } = await kit.tenantWithTeam();
    const open: Client[] = [];
    // Half on each of two servers: the count is per user, not per instance.
    for (let i = 0; i < 10; i++) open.push(await kit.client(i % 2 ? capped : url, athlete.token));
    await expect(kit.client(capped, athlete.token)).rejects.toMatchObject({ message: 'TOO_MANY_CONNECTIONS', data: { code: 'TOO_MANY_CONNECTIONS', message: expect.stringMatching(/10/) } });
    expect(open.every((socket) => socket.connected)).toBe(true);
    // Other users are not counted against it.
    expect((await kit.client(capped, coach.token)).connected).toBe(true);
    open[0]!.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await kit.client(capped, athlete.token)).connected).toBe(true);
  });

  test('events beyond the per-socket rate are refused with RATE_LIMITED', async () => {
    const { url: limitedUrl } = await kit.startServer({ REALTIME_EVENTS_PER_SECOND: 0.1, REALTIME_EVENT_BURST: 3 });
    const team = await kit.tenantWithTeam();
    const workoutId = await kit.startWorkout(team.athlete);
    const socket = await kit.client(limitedUrl, team.athlete.token);
    const answers = await Promise.all(Array.from({ length: 6 }, () => request(socket, 'workout:join', { workoutId })));
    expect(answers.filter((a) => a.ok)).toHaveLength(3);
    expect(answers.filter((a) => !a.ok).map((a) => a.error.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('instances', () => {
  test('closing one instance closes its own sockets, never those of the other instances', async () => {
    const other = await kit.startServer();
    const team = await kit.tenantWithTeam();
    const staying = await kit.client(url, team.athlete.token);
    const leaving = await kit.client(other.url, team.athlete2.token);
    await kit.stopServer(other.server);
    await disconnected(leaving);
    // Published after the closing instance's last word, this reaches the other instance behind it: once it is delivered, any disconnection that instance asked for has happened.
    const redis = createRedis(kit.config.REDIS_URL, { maxRetriesPerRequest: 20 });
    try {
      const marker = nextEvent(staying, 'notification:new');
      createLiveEmitter(redis, () => undefined).to(rooms.user(team.tenantId, team.athlete.id)).emit('notification:new', { id: 'marker', type: 'test', title: 'marker', body: 'marker', data: {} });
      await Promise.race([marker, disconnected(staying)]);
      expect(staying.connected).toBe(true);
    } finally {
      await redis.quit();
    }
  });
});

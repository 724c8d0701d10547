import { sql } from 'drizzle-orm';
import { eventually } from '@coachline/testing/eventually';
import type { Role } from '@coachline/domain/roles';
import { nextEvent, realtimeTestKit, request, type Member } from './testing/realtime-harness';

/**
 * Sockets act as the member's current role, asked of Postgres on the
 * handshake and on each event rather than believed from the token, so a
 * change made while a socket is open counts within seconds even if the
 * gateway's closing of that socket never arrived. The changes are written
 * straight into the database here: no gateway closes anything.
 */
const kit = realtimeTestKit();
let url: string;
beforeAll(async () => {
  ({ url } = await kit.startServer());
});
afterAll(() => kit.close());

const WITHIN = 5_000;
const setRole = (member: Member, role: Role) =>
  kit.db.withTenant({ tenantId: member.tenantId }, (tx) => tx.execute(sql`UPDATE memberships SET role = ${role} WHERE user_id = ${member.id}`));
const removeMember = (member: Member) =>
  kit.db.withTenant({ tenantId: member.tenantId }, (tx) => tx.execute(sql`UPDATE memberships SET removed_at = now() WHERE user_id = ${member.id}`));

/** The next matching event, or a failure once the deadline has passed. */
const within = <T>(promise: Promise<T>, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${WITHIN} ms`)), WITHIN).unref())]);

test("a coach demoted while connected is refused another athlete's workout on the next events", async () => {
  const team = await kit.tenantWithTeam();
  const workoutId = await kit.startWorkout(team.athlete);
  const socket = await kit.client(url, team.coach.token);
  expect(await request(socket, 'workout:join', { workoutId })).toEqual({ ok: true });
  await setRole(team.coach, 'ATHLETE');
  await eventually(async () => (await request(socket, 'workout:join', { workoutId })).error?.code === 'FORBIDDEN', 'the demoted coach to be refused', WITHIN);
  expect(socket.connected).toBe(true);
});

test('the handshake takes the current role, whatever the token says, and with it the rooms', async () => {
  const team = await kit.tenantWithTeam();
  const workoutId = await kit.startWorkout(team.athlete);
  await setRole(team.coach, 'ATHLETE');
  const demoted = await kit.client(url, team.coach.token);
  expect(await request(demoted, 'workout:join', { workoutId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  // An athlete made COACH joins the coaches' room with their ATHLETE token, and sees who comes online.
  await setRole(team.athlete2, 'COACH');
  const promoted = await kit.client(url, team.athlete2.token);
  const online = nextEvent(promoted, 'presence:update', (p) => p.userId === team.athlete.id && p.online);
  await kit.client(url, team.athlete.token);
  expect(await within(online, 'presence:update')).toEqual({ userId: team.athlete.id, online: true });
});

test('a member removed while connected is answered UNAUTHENTICATED and disconnected, and cannot connect again', async () => {
  const team = await kit.tenantWithTeam();
  const socket = await kit.client(url, team.athlete.token);
  const workoutId = await kit.startWorkout(team.athlete);
  expect(await request(socket, 'workout:join', { workoutId })).toEqual({ ok: true });
  await removeMember(team.athlete);
  const last = await eventually(async () => {
    // An answer that never comes (the socket closed first) fails the attempt rather than hanging it.
    const answer = (await socket.timeout(1_000).emitWithAck('workout:join', { workoutId })) as { ok: boolean; error?: { code: string } };
    return answer.ok ? undefined : answer;
  }, 'the removed member to be refused', WITHIN);
  expect(last).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  await eventually(() => socket.disconnected, 'the socket to be closed', WITHIN);
  await expect(kit.client(url, team.athlete.token)).rejects.toThrow('UNAUTHENTICATED');
});

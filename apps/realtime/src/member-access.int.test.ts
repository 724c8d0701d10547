import { sql } from 'drizzle-orm';
import { eventually } from '@coachline/testing/eventually';
import { realtimeTestKit, request, type Member } from './testing/realtime-harness';

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
const setMembership = (member: Member, change: 'demote' | 'remove') =>
  kit.db.withTenant({ tenantId: member.tenantId }, (tx) =>
    tx.execute(
      change === 'demote'
        ? sql`UPDATE memberships SET role = 'ATHLETE' WHERE user_id = ${member.id}`
        : sql`UPDATE memberships SET removed_at = now() WHERE user_id = ${member.id}`,
    ),
  );

test("a coach demoted while connected is refused another athlete's workout on the next events", async () => {
  const team = await kit.tenantWithTeam();
  const workoutId = await kit.startWorkout(team.athlete);
  const socket = await kit.client(url, team.coach.token);
  expect(await request(socket, 'workout:join', { workoutId })).toEqual({ ok: true });
  await setMembership(team.coach, 'demote');
  await eventually(async () => (await request(socket, 'workout:join', { workoutId })).error?.code === 'FORBIDDEN', 'the demoted coach to be refused', WITHIN);
  expect(socket.connected).toBe(true);
});

test('the handshake takes the current role, whatever the token says', async () => {
  const team = await kit.tenantWithTeam();
  const workoutId = await kit.startWorkout(team.athlete);
  await setMembership(team.coach, 'demote');
  const socket = await kit.client(url, team.coach.token);
  expect(await request(socket, 'workout:join', { workoutId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
});

test('a member removed while connected is answered UNAUTHENTICATED and disconnected, and cannot connect again', async () => {
  const team = await kit.tenantWithTeam();
  const socket = await kit.client(url, team.athlete.token);
  const workoutId = await kit.startWorkout(team.athlete);
  expect(await request(socket, 'workout:join', { workoutId })).toEqual({ ok: true });
  await setMembership(team.athlete, 'remove');
  const last = await eventually(async () => {
    // An answer that never comes (the socket closed first) fails the attempt rather than hanging it.
    const answer = (await socket.timeout(1_000).emitWithAck('workout:join', { workoutId })) as { ok: boolean; error?: { code: string } };
    return answer.ok ? undefined : answer;
  }, 'the removed member to be refused', WITHIN);
  expect(last).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  await eventually(() => socket.disconnected, 'the socket to be closed', WITHIN);
  await expect(kit.client(url, team.athlete.token)).rejects.toThrow('UNAUTHENTICATED');
});

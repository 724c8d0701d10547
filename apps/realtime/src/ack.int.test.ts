import { realtimeTestKit, request } from './testing/realtime-harness';

const kit = realtimeTestKit();
let url: string;
beforeAll(async () => {
  ({ url } = await kit.startServer());
});
afterAll(() => kit.close());

test('a control character anywhere in a socket payload is VALIDATION_FAILED naming its path, and the socket lives on', async () => {
  const team = await kit.tenantWithTeam();
  const socket = await kit.client(url, team.athlete.token);
  const workoutId = await kit.startWorkout(team.athlete);
  const bad: Array<[string, unknown, string]> = [
    ['message:send', { toUserId: team.coach.id, body: 'hi\u0000there' }, 'body'],
    ['message:send', { toUserId: team.coach.id, body: 'hi', 'x\u0000': 1 }, 'x\u0000'],
    ['set:complete', { workoutId, exerciseId: team.exerciseId, reps: 5, weightKg: 50, note: 'a\u001bb' }, 'note'],
    ['workout:join', { workoutId: `${workoutId}\u0000` }, 'workoutId'],
  ];
  for (const [event, payload, path] of bad) {
    expect(await request(socket, event as never, payload)).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: `${path}: Control characters are not allowed` } });
  }
  expect(await request(socket, 'workout:join', { workoutId })).toEqual({ ok: true });
});

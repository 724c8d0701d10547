import { newId } from '@coachline/db/ids';
import { coachingSessions, notificationPreferences, personalRecords, workouts, workoutSets } from '@coachline/db/schema/index';
import { createMailer } from '@coachline/runtime/mailer';
import { notificationsFixture } from '../testing/notifications-fixture';
import { previousIsoWeek, sendWeeklyProgress } from './weekly-progress.handler';

// A real SMTP peer (the fixture's): what it receives is what a mail server would.
let fx: Awaited<ReturnType<typeof notificationsFixture>>;

beforeAll(async () => {
  fx = await notificationsFixture();
});
afterAll(async () => {
  await fx.close();
});

const at = (iso: string) => new Date(iso);

test('previousIsoWeek is the Monday-to-Monday UTC week before the current one', () => {
  expect(previousIsoWeek(at('2026-11-16T07:00:00Z'))).toEqual({ from: at('2026-11-09T00:00:00Z'), to: at('2026-11-16T00:00:00Z') });
  expect(previousIsoWeek(at('2026-11-22T23:59:00Z'))).toEqual({ from: at('2026-11-09T00:00:00Z'), to: at('2026-11-16T00:00:00Z') });
  expect(previousIsoWeek(at('2027-01-04T00:00:00Z'))).toEqual({ from: at('2026-12-28T00:00:00Z'), to: at('2027-01-04T00:00:00Z') });
});

test("each athlete gets one email with last week's sessions, volume and records, received by a real SMTP peer", async () => {
  const { db, logger, smtp, mailer } = fx;
  const { tenantId, coach, athletes, exerciseId } = await fx.coachingTeam(3);
  const [active, optedOut, quiet] = athletes as [typeof athletes[0], typeof athletes[0], typeof athletes[0]];
  const workout1 = newId();
  const workout2 = newId();
  const heavySet = newId();
  await db.withTenant({ tenantId }, async (tx) => {
    await tx.insert(workouts).values([
      { tenantId, id: workout1, athleteId: active.id, status: 'completed', startedAt: at('2026-11-10T17:00:00Z'), completedAt: at('2026-11-10T18:00:00Z') },
      { tenantId, id: workout2, athleteId: active.id, status: 'completed', startedAt: at('2026-11-12T17:00:00Z'), completedAt: at('2026-11-12T18:00:00Z') },
    ]);
    const set = (workoutId: string, reps: number, weightKg: number, loggedAt: string, id = newId()) => ({ tenantId, id, workoutId, athleteId: active.id, exerciseId, reps, weightKg, loggedAt: at(loggedAt) });
    await tx.insert(workoutSets).values([
      set(workout1, 5, 100, '2026-11-10T17:10:00Z'),
      set(workout1, 5, 100, '2026-11-10T17:20:00Z'),
      set(workout1, 3, 120, '2026-11-10T17:30:00Z', heavySet),
      set(workout2, 8, 60, '2026-11-12T17:10:00Z'),
      // The week before: not counted.
      set(workout2, 10, 50, '2026-11-08T17:10:00Z'),
    ]);
    const record = (kind: 'e1rm' | 'weight', value: number, achievedAt: string) => ({ tenantId, id: newId(), athleteId: active.id, exerciseId, kind, value, weightKg: 120, setId: heavySet, achievedAt: at(achievedAt) });
    await tx.insert(personalRecords).values([record('e1rm', 132, '2026-11-10T17:30:00Z'), record('weight', 120, '2026-11-10T17:30:00Z'), record('weight', 110, '2026-11-02T17:30:00Z')]);
    const session = (startsAt: string, status: 'scheduled' | 'cancelled' | 'completed') => ({
      tenantId,
      id: newId(),
      coachId: coach.id,
      athleteId: active.id,
      startsAt: at(startsAt),
      endsAt: new Date(at(startsAt).getTime() + 3_600_000),
      status,
      createdBy: coach.id,
    });
    await tx.insert(coachingSessions).values([session('2026-11-11T10:00:00Z', 'completed'), session('2026-11-13T10:00:00Z', 'cancelled'), session('2026-11-17T10:00:00Z', 'scheduled')]);
    await tx.insert(notificationPreferences).values({ tenantId, id: newId(), userId: optedOut.id, channels: { email: { 'weekly.progress': false } } });
  });
  const mine = () => smtp.received.filter((m) => athletes.some((a) => m.to.includes(a.email)));
  const now = at('2026-11-16T07:00:00Z');

  // SMTP down: nothing is recorded as sent, so the retry sends everything.
  const down = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', mailDir: '', from: 'Coachline <no-reply@coachline.test>', timeoutMs: 2_000, logger });
  await expect(sendWeeklyProgress({ db, mailer: down, logger }, now, [tenantId])).rejects.toThrow(/weekly progress emails failed/);
  down.close();
  expect(mine()).toEqual([]);

  await sendWeeklyProgress({ db, mailer, logger }, now, [tenantId]);
  expect(mine().map((m) => m.to)).toEqual(expect.arrayContaining([[active.email], [quiet.email]]));
  expect(mine()).toHaveLength(2);

  const report = mine().find((m) => m.to.includes(active.email))!.decoded;
  expect(report).toMatch(/^From: Coachline <no-reply@coachline\.test>/m);
  expect(report).toMatch(/^Subject: Your week: 2 workouts, 1,840 kg lifted, 2 records/m);
  expect(report).toContain(`Hi ${active.name},`);
  expect(report).toContain('2026-11-09 to 2026-11-15');
  expect(report).toContain('- Coaching sessions: 1');
  expect(report).toContain('- Workouts completed: 2');
  expect(report).toContain('- Sets logged: 4');
  expect(report).toContain('- Volume: 1,840 kg');
  expect(report).toContain('- Back Squat: estimated 1RM 132 kg');
  expect(report).toContain('- Back Squat: heaviest weight 120 kg');
  expect(report).toContain('<li>Volume: 1,840 kg</li>');

  const nothing = mine().find((m) => m.to.includes(quiet.email))!.decoded;
  expect(nothing).toContain('- Volume: 0 kg');
  expect(nothing).toContain('No new personal records this week.');

  // A second run of the same week (a retry, or a second scheduler) mails nobody again.
  await sendWeeklyProgress({ db, mailer, logger }, now, [tenantId]);
  expect(mine()).toHaveLength(2);

  // The scheduler's weekly job, through the queue's handler table: the same week again mails nobody.
  await expect(fx.processor.job('weekly-progress', { at: now.toISOString(), tenantIds: [tenantId] })).resolves.toEqual({ sent: 0, skipped: 3 });
  expect(mine()).toHaveLength(2);
});

import type { Database } from '@coachline/db/database';
import { processOnce } from '@coachline/db/processed-events';
import { channelOn } from '@coachline/domain/api/notifications';
import type { Logger } from '@coachline/runtime/logger';
import type { Mailer } from '@coachline/runtime/mailer';
import type { JobHandler } from '@coachline/runtime/queue-consumer';
import { renderEmail, type EmailContent } from '../email-templates';
import { tenantName } from '../notification.repository';
import { athletesPage, storedPreferences, weeklySummary, type AthleteRecipient, type WeeklySummary } from '../weekly-progress.repository';

const DAY = 86_400_000;
const PAGE = 500;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** processed_events' consumer of the weekly emails; rows recorded under it before the move still count. */
const CONSUMER = 'weekly-progress-email';

export interface WeeklyProgressDeps {
  db: Database;
  mailer: Mailer;
  logger: Logger;
}

/** The ISO week (Monday 00:00 UTC to the next Monday) that ended most recently before `now`. */
export function previousIsoWeek(now: Date): { from: Date; to: Date } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  const to = new Date(midnight - sinceMonday * DAY);
  return { from: new Date(to.getTime() - 7 * DAY), to };
}

const KIND: Record<WeeklySummary['records'][number]['kind'], string> = {
  e1rm: 'estimated 1RM',
  weight: 'heaviest weight',
  reps: 'most reps',
};
const kg = (value: number) => `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} kg`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const recordLine = (record: WeeklySummary['records'][number]) => `${record.exercise}: ${KIND[record.kind]} ${record.kind === 'reps' ? plural(record.value, 'rep') : kg(record.value)}`;

/** The weekly progress email; `week` is its first and last day, YYYY-MM-DD. */
function weeklyEmail(athlete: AthleteRecipient, organization: string, week: { first: string; last: string }, summary: WeeklySummary): EmailContent {
  return {
    to: athlete.email,
    subject: `Your week: ${plural(summary.workouts, 'workout')}, ${kg(summary.volumeKg)} lifted, ${plural(summary.records.length, 'record')}`,
    greeting: `Hi ${athlete.name},`,
    blocks: [
      `Your week at ${organization}, ${week.first} to ${week.last}:`,
      { list: [`Coaching sessions: ${summary.sessions}`, `Workouts completed: ${summary.workouts}`, `Sets logged: ${summary.sets}`, `Volume: ${kg(summary.volumeKg)}`] },
      ...(summary.records.length ? [`Personal records (${summary.records.length}):`, { list: summary.records.map(recordLine) }] : ['No new personal records this week. Keep going!']),
    ],
  };
}

/**
 * Emails every athlete (of `tenantIds`, or of every tenant) a summary of the
 * ISO week before `now`. Each email is claimed in processed_events in the
 * transaction that sends it, so a retried or duplicated run resumes where it
 * stopped and never mails anyone twice for one week (unless the commit itself
 * fails after the send).
 */
export async function sendWeeklyProgress(deps: WeeklyProgressDeps, now = new Date(), tenantIds?: readonly string[]): Promise<{ sent: number; skipped: number }> {
  const week = previousIsoWeek(now);
  const label = { first: week.from.toISOString().slice(0, 10), last: new Date(week.to.getTime() - DAY).toISOString().slice(0, 10) };
  let after = { tenantId: NIL_UUID, membershipId: NIL_UUID };
  let sent = 0;
  let skipped = 0;
  let failed = 0;
  for (;;) {
    // Spans every tenant: only to list recipients; each summary is read under its own tenant.
    const page = await deps.db.withSystem((tx) => athletesPage(tx, after, PAGE, tenantIds));
    for (const athlete of page) {
      const mailed = await deps.db
        .withTenant({ tenantId: athlete.tenantId }, async (tx) => {
          const outcome = await processOnce(tx, `weekly-progress.${label.first}.${athlete.userId}`, CONSUMER, async () => {
            if (!channelOn(await storedPreferences(tx, athlete.userId), 'email', 'weekly.progress')) return false;
            const summary = await weeklySummary(tx, athlete.userId, week.from, week.to);
            // Sent inside the transaction: if SMTP fails, the claim rolls back and the retry sends it.
            await deps.mailer.send(renderEmail(weeklyEmail(athlete, (await tenantName(tx)) ?? 'Coachline', label, summary)));
            return true;
          });
          return outcome.done && outcome.value;
        })
        .catch((error: unknown) => {
          // One bad address must not hold back everyone after it; the run fails at the end and retries.
          deps.logger.warn('weekly progress email failed', { tenantId: athlete.tenantId, userId: athlete.userId, error: (error as Error).message });
          failed++;
          return false;
        });
      if (mailed) sent++;
      else skipped++;
    }
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    after = { tenantId: last.tenantId, membershipId: last.membershipId };
  }
  deps.logger.info('weekly progress emails sent', { sent, skipped, failed, week: label.first });
  if (failed > 0) throw new Error(`${failed} weekly progress emails failed; the retry sends only those`);
  return { sent, skipped };
}

/**
 * notifications queue, job `weekly-progress`: added once a week by the
 * scheduler's `weekly-progress-email` maintenance job, the clock.
 */
export function weeklyProgressHandler(deps: WeeklyProgressDeps): JobHandler<'notifications', 'weekly-progress'> {
  return (job) => sendWeeklyProgress(deps, new Date(job.at), job.tenantIds);
}

import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import type { Mailer } from '@coachline/runtime/mailer';
import { athletesPage, claimWeeklyEmail, weeklyEmailEnabled, weeklySummary } from './weekly-progress.repository';
import { renderWeeklyProgress } from './weekly-progress.template';

const DAY = 86_400_000;
const PAGE = 500;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The ISO week (Monday 00:00 UTC to the next Monday) that ended most recently before `now`. */
export function previousIsoWeek(now: Date): { from: Date; to: Date } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  const to = new Date(midnight - sinceMonday * DAY);
  return { from: new Date(to.getTime() - 7 * DAY), to };
}

/**
 * Emails every athlete of every tenant a summary of last week. Each email is
 * claimed in processed_events in the transaction that sends it, so a retried
 * or duplicated run resumes where it stopped and never mails anyone twice
 * for one week (unless the commit itself fails after the send).
 */
export async function sendWeeklyProgress(
  deps: { db: Database; mailer: Mailer; logger: Logger },
  now = new Date(),
  /** Only these tenants' athletes (a re-run for one organization); every tenant when absent. */
  tenantIds?: readonly string[],
): Promise<{ sent: number; skipped: number }> {
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
        if (!(await claimWeeklyEmail(tx, athlete.tenantId, `weekly-progress.${label.first}.${athlete.userId}`))) return false;
        if (!(await weeklyEmailEnabled(tx, athlete.tenantId, athlete.userId))) return false;
        const summary = await weeklySummary(tx, athlete.tenantId, athlete.userId, week.from, week.to);
        // Sent inside the transaction: if SMTP fails, the claim rolls back and the retry sends it.
        await deps.mailer.send(renderWeeklyProgress(athlete.email, athlete.name, label, summary));
        return true;
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

import type { Database } from '@coachline/db/database';
import { channelOn } from '@coachline/domain/api/notifications';
import { compareTriageItems, type TriageKind } from '@coachline/domain/triage';
import type { Logger } from '@coachline/runtime/logger';
import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { NotificationProcessor } from '../notification.processor';
import { tenantName } from '../notification.repository';
import { staffPage, triageItemsFound } from '../triage-summary.repository';
import { storedPreferences } from '../weekly-progress.repository';
import { previousIsoWeek } from './weekly-progress.handler';

const DAY = 86_400_000;
const PAGE = 500;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const LABEL: Record<TriageKind, string> = {
  inactive: 'Inactive',
  missed_workouts: 'Missed workouts',
  rising_rpe: 'Rising RPE',
  stalled_lift: 'Stalled lift',
  new_record: 'New record',
};

export interface TriageSummaryDeps {
  db: Database;
  processor: NotificationProcessor;
  logger: Logger;
}

/**
 * Emails every COACH and ADMIN (of `tenantIds`, or of every tenant) the triage
 * items found in the ISO week before `now`, most urgent first; nobody is
 * emailed about a week without items, or when they turned off email for
 * `triage.item`. Each email is sent once per member and week (a retried or
 * repeated run skips those already sent).
 */
export async function sendTriageSummaries(deps: TriageSummaryDeps, now = new Date(), tenantIds?: readonly string[]): Promise<{ members: number; failed: number }> {
  const week = previousIsoWeek(now);
  const first = week.from.toISOString().slice(0, 10);
  const last = new Date(week.to.getTime() - DAY).toISOString().slice(0, 10);
  let after = { tenantId: NIL_UUID, membershipId: NIL_UUID };
  let members = 0;
  let failed = 0;
  for (;;) {
    // Spans every tenant: only to list recipients; each summary is read under its own tenant.
    const page = await deps.db.withSystem((tx) => staffPage(tx, after, PAGE, tenantIds));
    for (const member of page) {
      const key = `triage-summary.${first}.${member.userId}`;
      await deps.processor
        .emailOnce({ tenantId: member.tenantId }, key, async (tx) => {
          if (!channelOn(await storedPreferences(tx, member.userId), 'email', 'triage.item')) return undefined;
          const found = await triageItemsFound(tx, week.from, week.to);
          if (found.length === 0) return undefined;
          const ranked = found
            .map((row) => ({ ...row, kind: row.kind as TriageKind, subject: '', data: {}, since: row.since.toISOString() }))
            .sort(compareTriageItems);
          return {
            to: member.email,
            subject: `Triage: ${found.length} ${found.length === 1 ? 'item' : 'items'} for your athletes this week`,
            greeting: `Hi ${member.name},`,
            blocks: [
              `What needed your attention at ${(await tenantName(tx)) ?? 'Coachline'} from ${first} to ${last}, most urgent first:`,
              { list: ranked.map((item) => `${item.athleteName}, ${LABEL[item.kind]}: ${item.detail}`) },
            ],
            action: { label: 'Open your triage', url: deps.processor.link('/coach/triage') },
            messageId: deps.processor.messageId(key, member.userId),
          };
        })
        .catch((error: unknown) => {
          // One bad address must not hold back everyone after it; the run fails at the end and retries.
          deps.logger.warn('triage summary email failed', { tenantId: member.tenantId, userId: member.userId, error: (error as Error).message });
          failed++;
        });
      members++;
    }
    const lastRow = page[page.length - 1];
    if (!lastRow || page.length < PAGE) break;
    after = { tenantId: lastRow.tenantId, membershipId: lastRow.membershipId };
  }
  deps.logger.info('triage summaries sent', { members, failed, week: first });
  if (failed > 0) throw new Error(`${failed} triage summary emails failed; the retry sends only those`);
  return { members, failed };
}

/** notifications queue, job `triage-summary`: added once a week by the scheduler's `triage-summary-email` maintenance job, the clock. */
export function triageSummaryHandler(deps: TriageSummaryDeps): JobHandler<'notifications', 'triage-summary'> {
  return (job) => sendTriageSummaries(deps, new Date(job.at), job.tenantIds);
}

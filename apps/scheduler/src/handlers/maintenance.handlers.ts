import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { TypedQueue } from '@coachline/runtime/queues';
import type { Storage } from '@coachline/runtime/storage';
import { createAbortAbandonedUploads } from './abort-abandoned-uploads.handler';
import { archiveAuditEvents } from './archive-audit-events.handler';
import { dunningRemindersHandler } from './dunning-reminders.handler';
import { purgeExpired } from './purge-expired.handler';
import { triageSummaryEmailHandler } from './triage-summary-email.handler';
import { triageSweepHandler } from './triage-sweep.handler';
import { weeklyProgressEmailHandler } from './weekly-progress-email.handler';
import type { TriageDetector } from '../analytics/triage-detector';

export interface MaintenanceDeps {
  db: Database;
  storage: Storage;
  logger: Logger;
  notifications: TypedQueue<'notifications'>;
  auditRetentionDays: number;
  uploadAbandonAfterSeconds: number;
  dunningIntervalHours: number;
  dunningMaxReminders: number;
  triage: TriageDetector;
}

/** The `maintenance` queue: the recurring jobs the scheduler's job schedulers add, one handler file each. */
export function maintenanceHandlers(deps: MaintenanceDeps): QueueHandlers<'maintenance'> {
  const abortAbandonedUploads = createAbortAbandonedUploads({ db: deps.db, storage: deps.storage, logger: deps.logger, abandonAfterSeconds: deps.uploadAbandonAfterSeconds });
  return {
    jobs: {
      'purge-expired': () => purgeExpired(deps.db),
      'archive-audit-events': () => archiveAuditEvents(deps.db, deps.auditRetentionDays),
      'abort-abandoned-uploads': () => abortAbandonedUploads(),
      'weekly-progress-email': weeklyProgressEmailHandler(deps.notifications),
      'dunning-reminders': dunningRemindersHandler({ db: deps.db, notifications: deps.notifications, intervalHours: deps.dunningIntervalHours, maxReminders: deps.dunningMaxReminders }),
      'triage-sweep': triageSweepHandler({ db: deps.db, triage: deps.triage }),
      'triage-summary-email': triageSummaryEmailHandler(deps.notifications),
    },
    events: {},
  };
}

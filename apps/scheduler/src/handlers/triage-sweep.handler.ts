import type { Database } from '@coachline/db/database';
import type { JobHandler } from '@coachline/runtime/queue-consumer';
import type { TriageDetector } from '../analytics/triage-detector';

/** maintenance queue, job `triage-sweep`: hourly, announces the triage items time alone brought, in every tenant. */
export function triageSweepHandler(deps: { db: Database; triage: TriageDetector }): JobHandler<'maintenance', 'triage-sweep'> {
  return () => deps.triage.sweep(deps.db);
}

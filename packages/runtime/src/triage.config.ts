import { DEFAULT_TRIAGE_THRESHOLDS as D, type TriageThresholds } from '@coachline/domain/triage';
import { z } from 'zod';

const days = (fallback: number) => z.coerce.number().int().min(1).max(365).default(fallback);

/**
 * The triage rules' thresholds, for the gateway (the list) and the scheduler
 * (which finds new items to announce); both must read the same values. See
 * apps/api-gateway/src/modules/triage/README.md for what each rule does.
 */
export const triageConfigSchema = z.object({
  TRIAGE_STALL_DAYS: days(D.stallDays),
  TRIAGE_STALL_MIN_SESSIONS: z.coerce.number().int().min(1).max(100).default(D.stallMinSessions),
  TRIAGE_MISSED_DAYS: days(D.missedDays),
  TRIAGE_MISSED_MIN: z.coerce.number().int().min(1).max(100).default(D.missedMin),
  TRIAGE_RPE_PERIOD_DAYS: days(D.rpePeriodDays),
  TRIAGE_RPE_MIN_RISE: z.coerce.number().min(0.1).max(10).default(D.rpeMinRise),
  TRIAGE_RPE_MIN_SETS: z.coerce.number().int().min(1).max(100).default(D.rpeMinSets),
  TRIAGE_RECORD_DAYS: days(D.recordDays),
  TRIAGE_INACTIVE_DAYS: days(D.inactiveDays),
});

export function triageThresholds(config: z.infer<typeof triageConfigSchema>): TriageThresholds {
  return {
    stallDays: config.TRIAGE_STALL_DAYS,
    stallMinSessions: config.TRIAGE_STALL_MIN_SESSIONS,
    missedDays: config.TRIAGE_MISSED_DAYS,
    missedMin: config.TRIAGE_MISSED_MIN,
    rpePeriodDays: config.TRIAGE_RPE_PERIOD_DAYS,
    rpeMinRise: config.TRIAGE_RPE_MIN_RISE,
    rpeMinSets: config.TRIAGE_RPE_MIN_SETS,
    recordDays: config.TRIAGE_RECORD_DAYS,
    inactiveDays: config.TRIAGE_INACTIVE_DAYS,
  };
}

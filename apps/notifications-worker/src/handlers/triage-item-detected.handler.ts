import type { TriageKind } from '@coachline/domain/triage';
import { staffIds } from '../notification.repository';
import { nameOf, type EventPlanner } from '../notification-plan';

const TITLE: Record<TriageKind, string> = {
  inactive: 'has not trained for a while',
  missed_workouts: 'missed planned workouts',
  rising_rpe: 'is finding the same loads harder',
  stalled_lift: 'has a stalled lift',
  new_record: 'set a new record',
};

/**
 * notifications queue, event `triage.item_detected`: every COACH and ADMIN,
 * in the app, live and by push; by email only in the weekly triage summary.
 */
export const triageItemDetected: EventPlanner<'triage.item_detected'> = {
  async one(tx, event) {
    const p = event.payload;
    return {
      type: 'triage.item',
      sourceId: event.id,
      recipients: await staffIds(tx),
      title: `${await nameOf(tx, p.athleteId)} ${TITLE[p.kind]}`,
      body: p.detail,
      data: { itemId: p.itemId, athleteId: p.athleteId, kind: p.kind, since: p.since },
      path: '/coach/triage',
      noEmail: true,
    };
  },
};

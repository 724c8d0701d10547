import { when, without, type EventPlanner } from '../notification-plan';

/** notifications queue, event `session.cancelled`: coach and athlete, but whoever cancelled it. */
export const sessionCancelled: EventPlanner<'session.cancelled'> = {
  async one(_tx, event) {
    const p = event.payload;
    return {
      type: 'session.cancelled',
      sourceId: event.id,
      recipients: without([p.coachId, p.athleteId], p.actorId),
      title: 'Session cancelled',
      body: `The session of ${when(p.start)} was cancelled${p.late ? ' at short notice' : ''}.`,
      data: { sessionId: p.sessionId, start: p.start, coachId: p.coachId, athleteId: p.athleteId, late: p.late },
      path: `/sessions/${p.sessionId}`,
    };
  },
};

import { when, without, type EventPlanner } from '../notification-plan';

/** notifications queue, event `session.scheduled`: coach and athlete, but whoever booked it. */
export const sessionScheduled: EventPlanner<'session.scheduled'> = {
  async one(_tx, event) {
    const p = event.payload;
    return {
      type: 'session.scheduled',
      sourceId: event.id,
      recipients: without([p.coachId, p.athleteId], p.actorId),
      title: 'Session scheduled',
      body: `A session is booked for ${when(p.start)}.`,
      data: { sessionId: p.sessionId, start: p.start, end: p.end, coachId: p.coachId, athleteId: p.athleteId },
      path: `/sessions/${p.sessionId}`,
    };
  },
};

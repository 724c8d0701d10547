import type { EventPlanner } from '../notification-plan';

/** notifications queue, event `integration.failed`: the athlete whose provider connection stopped. */
export const integrationFailed: EventPlanner<'integration.failed'> = {
  async one(_tx, event) {
    const p = event.payload;
    const provider = p.provider.charAt(0).toUpperCase() + p.provider.slice(1);
    return {
      type: 'integration.failed',
      sourceId: event.id,
      recipients: [p.userId],
      title: `${provider} is disconnected`,
      body: `${provider} no longer accepts Coachline's access to your activities. Connect again to keep importing them.`,
      data: { connectionId: p.connectionId, provider: p.provider, reason: p.reason },
      path: '/integrations',
    };
  },
};

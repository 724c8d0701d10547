import { adminIds } from '../notification.repository';
import type { EventPlanner } from '../notification-plan';

/** notifications queue, event `webhook_endpoint.disabled`: every ADMIN of the tenant. */
export const webhookEndpointDisabled: EventPlanner<'webhook_endpoint.disabled'> = {
  async one(tx, event) {
    const p = event.payload;
    return {
      type: 'webhook_endpoint.disabled',
      sourceId: event.id,
      recipients: await adminIds(tx),
      title: 'A webhook endpoint was disabled',
      body: `${p.url} has failed every delivery since ${p.failingSince} and no longer receives events. Register it again once it answers.`,
      data: { endpointId: p.endpointId, url: p.url, failingSince: p.failingSince },
      path: '/settings/webhooks',
    };
  },
};

/**
 * Queue names are stable identifiers stored in Redis: renaming one strands the
 * jobs already waiting in it. Add, never rename. Apart from queues.ts so that
 * the event registry can name its queues while the job registry carries events.
 */
export const QUEUE_NAMES = ['notifications', 'media', 'reminders', 'maintenance', 'billing', 'integrations', 'webhooks', 'analytics', 'generation'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

import { timingSafeEqual, createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import helmet from 'helmet';
import { QUEUE_NAMES, type QueueName } from '@coachline/domain/queues';
import type { Redis } from '@coachline/runtime/redis';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Read handles on every queue, over the gateway's fail-fast Redis connection. */
export function monitoredQueues(redis: Redis, prefix: string): Record<QueueName, Queue> {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection: redis, prefix });
      // Redis being down is reported by readiness; an unhandled 'error' would crash the process.
      queue.on('error', () => undefined);
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** HTTP Basic against one operator credential, compared in constant time. */
export function basicAuth(credentials: string, realm: string): RequestHandler {
  const expected = digest(credentials);
  return (req, res, next) => {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.get('authorization') ?? '');
    const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    if (match && timingSafeEqual(digest(given), expected)) return next();
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.status(401).type('text/plain').send('Authentication required.');
  };
}

/**
 * The BullMQ dashboard for platform operators: the queues hold every tenant's
 * jobs, so it takes a credential from configuration, never a tenant role.
 * Not mounted (nor loaded) at all when no credential is configured.
 */
export function mountQueueDashboard(app: Express, queues: Record<QueueName, Queue>, credentials: string | undefined): void {
  if (!credentials) return;
  // Loaded only when mounted: bull-board holds about 3 MB of heap that every garbage collection would walk.
  const { createBullBoard } = require('@bull-board/api') as typeof import('@bull-board/api');
  const { BullMQAdapter } = require('@bull-board/api/bullMQAdapter') as typeof import('@bull-board/api/bullMQAdapter');
  const { ExpressAdapter } = require('@bull-board/express') as typeof import('@bull-board/express');
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: Object.values(queues).map((q) => new BullMQAdapter(q)), serverAdapter });
  // The dashboard's UI needs inline scripts and styles, like the API docs.
  app.use(QUEUE_DASHBOARD_PATH, basicAuth(credentials, 'Coachline queues'), helmet({ contentSecurityPolicy: false }), serverAdapter.getRouter() as RequestHandler);
}

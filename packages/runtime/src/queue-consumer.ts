import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { ZodError } from 'zod';
import { JOBS, type JobName, type JobOf, type QueueName } from '@coachline/domain/queues';
import { runWithContext } from './context';
import type { Logger } from './logger';
import { withTraceparent } from './tracing';

/** One handler per job name of the queue; the compiler refuses a missing one. */
export type QueueHandlers<Q extends QueueName> = {
  [N in JobName<Q>]: (data: JobOf<Q, N>, job: Job) => Promise<void>;
};

export interface ConsumeOptions {
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  concurrency?: number;
  /** Consumers started by a test wait for `run()`; services start at once. */
  autorun?: boolean;
}

/** Thrown at start-up when the handlers do not cover the queue's job registry exactly. */
export class HandlerRegistryError extends Error {}

/** Checks the handler table against the registry, since queued jobs outlive any one build. */
export function assertHandlers(queue: QueueName, handlers: Record<string, unknown>): void {
  const expected = Object.keys(JOBS[queue]).sort();
  const given = Object.keys(handlers).sort();
  const missing = expected.filter((name) => typeof handlers[name] !== 'function');
  const unknown = given.filter((name) => !expected.includes(name));
  if (missing.length || unknown.length) {
    throw new HandlerRegistryError(
      `Queue "${queue}": ${missing.length ? `no handler for ${missing.join(', ')}` : ''}${missing.length && unknown.length ? '; ' : ''}${unknown.length ? `handlers for unknown jobs ${unknown.join(', ')}` : ''}`,
    );
  }
}

/**
 * Consumes a queue: every job's payload is parsed again with its zod schema (a
 * payload that no longer parses is poison and goes straight to the failed set,
 * the dead-letter queue), and runs inside the request id, tenant and trace
 * context it carries. Other errors are retried with the job's backoff.
 */
export function consumeQueue<Q extends QueueName>(queue: Q, handlers: QueueHandlers<Q>, options: ConsumeOptions): Worker {
  assertHandlers(queue, handlers as Record<string, unknown>);
  const schemas = JOBS[queue] as Record<string, { safeParse(data: unknown): { success: boolean; data?: unknown; error?: { message: string } } }>;
  const table = handlers as Record<string, (data: unknown, job: Job) => Promise<void>>;
  const worker = new Worker(
    queue,
    async (job: Job) => {
      const schema = schemas[job.name];
      const handler = table[job.name];
      if (!schema || !handler) throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${queue}"`);
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`Job "${job.name}" payload is invalid: ${parsed.error?.message ?? 'unknown'}`);
      const data = parsed.data as { tenantId?: string; requestId?: string; traceparent?: string };
      try {
        return await runWithContext({ jobId: job.id, tenantId: data.tenantId, requestId: data.requestId }, () =>
          withTraceparent(data.traceparent, () => handler(parsed.data, job)),
        );
      } catch (error) {
        // A handler parsing a nested payload (an event's) that no longer matches: retrying cannot help.
        if (error instanceof ZodError) throw new UnrecoverableError(`Job "${job.name}" payload is invalid: ${error.message}`);
        throw error;
      }
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 10, autorun: options.autorun ?? true },
  );
  worker.on('failed', (job, error) => {
    const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    options.logger.log(final ? 'error' : 'warn', final ? 'job failed for good' : 'job failed, will retry', {
      queue,
      job: job?.name,
      jobId: job?.id,
      attempts: job?.attemptsMade,
      error: error.message,
    });
  });
  // A lost Redis connection surfaces here; BullMQ reconnects by itself.
  worker.on('error', (error) => options.logger.warn('worker error', { queue, error: error.message }));
  return worker;
}

import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { z, ZodError } from 'zod';
import type { TenantScope } from '@coachline/domain/actor';
import { EVENTS, eventsRoutedTo, type EventEnvelope, type EventOf, type EventRouting, type EventsRoutedTo } from '@coachline/domain/events';
import { EVENT_JOB, JOBS, type JobOf, type QueueName, type TaskName } from '@coachline/domain/queues';
import { runWithContext } from './context';
import type { Logger } from './logger';
import type { MetricsRegistry } from './metrics';
import { jobOutcomes } from './queue-metrics';
import { withTraceparent } from './tracing';

/** Handles one job; what it returns becomes the job's return value. */
export type JobHandler<Q extends QueueName, N extends TaskName<Q>> = (data: JobOf<Q, N>) => Promise<unknown>;
/** Handles one event, its payload already parsed against the registry. */
export type EventHandler<T extends keyof R & string, R extends EventRouting = typeof EVENTS> = (event: EventOf<T, R>) => Promise<unknown>;

/**
 * A queue's handler table, derived from `packages/domain`: one handler per job
 * of the job registry and one per event the routing table sends to the queue.
 * Complete, not Partial, so routing an event to a queue fails to compile until
 * the queue's app handles it. `R` is the routing table; only tests change it.
 */
export interface QueueHandlers<Q extends QueueName, R extends EventRouting = typeof EVENTS> {
  jobs: { [N in TaskName<Q>]: JobHandler<Q, N> };
  events: { [T in EventsRoutedTo<Q, R>]: EventHandler<T, R> };
}

/**
 * How soon the jobs of a worker that died (killed, out of memory, its node
 * gone) run again elsewhere: its locks lapse after the lock duration, and the
 * other workers look for such jobs every stalled interval. BullMQ's defaults.
 */
export const queueWorkerConfigSchema = z.object({
  QUEUE_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).default(30_000),
  QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
});

/** The settings of queueWorkerConfigSchema, as a consumer takes them. */
export interface StallSettings {
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export function stallSettings(config: z.infer<typeof queueWorkerConfigSchema>): StallSettings {
  return { lockDurationMs: config.QUEUE_LOCK_DURATION_MS, stalledIntervalMs: config.QUEUE_STALLED_INTERVAL_MS };
}

export interface ConsumeOptions {
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  concurrency?: number;
  /** BullMQ's defaults (30 s each) when unset. */
  stall?: StallSettings;
  /** Consumers started by a test wait for `run()`; services start at once. */
  autorun?: boolean;
  /** Where the worker counts its jobs' outcomes (`queue_jobs_processed_total`). */
  metrics?: MetricsRegistry;
}

/** Thrown at start-up when the handlers do not cover the queue's jobs and routed events exactly. */
export class HandlerRegistryError extends Error {}

function mismatch(what: { one: string; many: string }, expected: readonly string[], table: Record<string, unknown>): string[] {
  const missing = expected.filter((name) => typeof table[name] !== 'function');
  const unknown = Object.keys(table).filter((name) => !expected.includes(name));
  return [...(missing.length ? [`no handler for ${what.one}${missing.join(', ')}`] : []), ...(unknown.length ? [`handlers for unknown ${what.many} ${unknown.join(', ')}`] : [])];
}

/**
 * Checks the handler table against the registries at start-up. The compiler
 * checks the same, but a table built loosely (a cast, a spread of another
 * app's handlers) would otherwise drop jobs in production, and queued jobs
 * outlive any one build.
 */
export function assertHandlers(queue: QueueName, handlers: { jobs: Record<string, unknown>; events: Record<string, unknown> }): void {
  const tasks = Object.keys(JOBS[queue]).filter((name) => name !== EVENT_JOB);
  const problems = [...mismatch({ one: '', many: 'jobs' }, tasks, handlers.jobs), ...mismatch({ one: 'event ', many: 'events' }, eventsRoutedTo(queue), handlers.events)];
  if (problems.length) throw new HandlerRegistryError(`Queue "${queue}": ${problems.join('; ')}`);
}

/** A payload that does not parse can never succeed: straight to the failed set (the dead-letter queue), no retries. */
const malformed = (name: string, detail: string) => new UnrecoverableError(`Malformed ${name} job, its payload is invalid: ${detail}`);

/** Runs one job of a queue by name, as its worker does; tests call it directly. */
export type Dispatch = (name: string, data: unknown, jobId?: string) => Promise<unknown>;

/**
 * The one path from a queued job to its handler: the payload is parsed again
 * with its zod schema (an event's envelope, then its payload against the event
 * registry), and the handler runs inside the request id, tenant and trace
 * context the job carries.
 */
export function createDispatcher<Q extends QueueName>(queue: Q, handlers: QueueHandlers<Q>): Dispatch {
  assertHandlers(queue, handlers);
  const schemas = JOBS[queue] as Record<string, z.ZodType>;
  const jobs = handlers.jobs as Record<string, (data: unknown) => Promise<unknown>>;
  const events = handlers.events as Record<string, (event: unknown) => Promise<unknown>>;

  function handlerFor(name: string, data: unknown): () => Promise<unknown> {
    if (name !== EVENT_JOB) return () => jobs[name]!(data);
    const envelope = data as EventEnvelope;
    const handler = events[envelope.type];
    // An event no longer routed here (routing changed while it waited) is kept for an operator, not dropped.
    if (!handler) throw new UnrecoverableError(`Queue "${queue}" has no handler for event "${envelope.type}"`);
    const payload = EVENTS[envelope.type].payload.safeParse(envelope.payload);
    if (!payload.success) throw malformed(name, `${envelope.type}: ${payload.error.message}`);
    return () => handler({ ...envelope, payload: payload.data });
  }

  return async (name, data, jobId) => {
    const schema = schemas[name];
    if (!schema) throw new UnrecoverableError(`No job "${name}" on queue "${queue}"`);
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw malformed(name, parsed.error.message);
    const run = handlerFor(name, parsed.data);
    const scope = parsed.data as Partial<TenantScope>;
    try {
      return await runWithContext({ jobId, tenantId: scope.tenantId, requestId: scope.requestId }, () => withTraceparent(scope.traceparent, run));
    } catch (error) {
      // A handler parsing a nested payload that no longer matches: retrying cannot help.
      if (error instanceof ZodError) throw malformed(name, error.message);
      throw error;
    }
  };
}

/**
 * Consumes a queue through its handler table. A malformed job goes straight to
 * the failed set; other errors are retried with the job's backoff.
 */
export function consumeQueue<Q extends QueueName>(queue: Q, handlers: QueueHandlers<Q>, options: ConsumeOptions): Worker {
  const dispatch = createDispatcher(queue, handlers);
  const worker = new Worker(queue, (job: Job) => dispatch(job.name, job.data, job.id), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 10,
    autorun: options.autorun ?? true,
    ...(options.stall ? { lockDuration: options.stall.lockDurationMs, stalledInterval: options.stall.stalledIntervalMs } : {}),
  });
  const outcomes = options.metrics && jobOutcomes(options.metrics);
  if (outcomes) worker.on('completed', () => outcomes.inc({ queue, outcome: 'completed' }));
  worker.on('failed', (job, error) => {
    const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    outcomes?.inc({ queue, outcome: final ? 'failed' : 'retried' });
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

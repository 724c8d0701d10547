import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { eventJobPriority, type EventEnvelope } from '@coachline/domain/events';
import { EVENT_JOB, type JobName, type JobOf, type QueueName } from '@coachline/domain/queues';

/** Retries with exponential backoff; BullMQ adds jitter from `jitter`. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  // Failed jobs stay: the failed set is the dead-letter queue, replayable by operators.
  removeOnFail: false,
};

/** A queue whose `add` only accepts the job names and payloads of the registry. */
export class TypedQueue<Q extends QueueName> {
  readonly queue: Queue;
  constructor(
    readonly name: Q,
    connection: ConnectionOptions,
    prefix: string,
  ) {
    this.queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  }

  add<N extends JobName<Q>>(jobName: N, data: JobOf<Q, N>, options?: JobsOptions) {
    return this.queue.add(jobName, data, options);
  }

  /**
   * Upserts a job scheduler that adds `jobName` on every tick of `repeat`. Its
   * id is the job name, so every process upserting it keeps one schedule and
   * BullMQ adds one job per tick however many processes run.
   */
  repeat<N extends JobName<Q>>(jobName: N, data: JobOf<Q, N>, repeat: { pattern: string; tz: string }) {
    return this.queue.upsertJobScheduler(jobName, repeat, { name: jobName, data });
  }

  close() {
    return this.queue.close();
  }
}

/**
 * Adds outbox events to a queue as `event` jobs in one round trip. Job ids
 * derive from the event, so a second publish of one is ignored while its job
 * exists; events the registry prioritises (program generation) carry their
 * BullMQ priority. The relay and its reconciler publish only through this.
 */
export function addEvents(queue: Queue, events: readonly { envelope: EventEnvelope; jobId: string }[]) {
  return queue.addBulk(
    events.map(({ envelope, jobId }) => {
      const priority = eventJobPriority(envelope);
      return { name: EVENT_JOB, data: envelope, opts: priority === undefined ? { jobId } : { jobId, priority } };
    }),
  );
}

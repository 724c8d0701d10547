import { Queue, Worker, type ConnectionOptions, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import type { JobName, JobOf, QueueName } from '@coachline/domain/queues';

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

  close() {
    return this.queue.close();
  }
}

export function createWorker<Q extends QueueName>(
  name: Q,
  processor: Processor,
  options: Omit<WorkerOptions, 'connection' | 'prefix'> & { connection: ConnectionOptions; prefix: string },
): Worker {
  return new Worker(name, processor, options);
}

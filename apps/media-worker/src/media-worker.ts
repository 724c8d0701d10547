import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { Database } from '@coachline/db/database';
import { parseEventPayload } from '@coachline/domain/events';
import { parseJob } from '@coachline/domain/queues';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import { prometheus } from '@coachline/runtime/metrics';
import { createWorker } from '@coachline/runtime/queues';
import type { Redis } from '@coachline/runtime/redis';
import type { Storage } from '@coachline/runtime/storage';
import { runWithContext } from '@coachline/runtime/context';
import { withTraceparent } from '@coachline/runtime/tracing';
import { ImagePool } from './image.pool';
import { MediaProcessor, type MediaTask, type Outcome } from './media.processor';

export interface MediaWorkerDeps {
  db: Database;
  storage: Storage;
  connection: Redis;
  prefix: string;
  logger: Logger;
  metrics?: MetricsRegistry;
  concurrency: number;
  imageTimeoutMs: number;
  transcodeTimeoutMs: number;
  maxInputPixels: number;
  ffmpegPath?: string;
  ffprobePath?: string;
  tmpDir?: string;
  /** Start paused (tests fill the queue first). */
  autorun?: boolean;
  /** Sees every process id spawned for video work (tests check that overruns are killed). */
  onSpawn?: (pid: number) => void;
}

/** Reads a job of the `media` queue into a task; malformed jobs can never succeed, so they are not retried. */
export function taskOf(job: Pick<Job, 'name' | 'data'>): MediaTask | undefined {
  try {
    if (job.name === 'event') {
      const envelope = parseJob('media', 'event', job.data);
      // Other events may be routed here later; they are not ours to handle.
      if (envelope.type !== 'media.uploaded') return undefined;
      const payload = parseEventPayload('media.uploaded', envelope.payload);
      return { tenantId: envelope.tenantId, mediaId: payload.mediaId, reason: 'upload', eventId: envelope.id, requestId: envelope.requestId, traceparent: envelope.traceparent };
    }
    if (job.name === 'process') {
      const data = parseJob('media', 'process', job.data);
      return { tenantId: data.tenantId, mediaId: data.mediaId, reason: data.reason };
    }
  } catch (error) {
    throw new UnrecoverableError(`Malformed ${job.name} job: ${(error as Error).message}`);
  }
  throw new UnrecoverableError(`No handler for job "${job.name}" on the media queue`);
}

/** The media-worker: consumes the `media` queue and turns uploads into variants. */
export function createMediaWorker(deps: MediaWorkerDeps) {
  const images = new ImagePool(deps.concurrency);
  const processor = new MediaProcessor({
    db: deps.db,
    storage: deps.storage,
    logger: deps.logger,
    images,
    video: { ffmpegPath: deps.ffmpegPath ?? 'ffmpeg', ffprobePath: deps.ffprobePath ?? 'ffprobe', timeoutMs: deps.transcodeTimeoutMs, maxPixels: deps.maxInputPixels, onSpawn: deps.onSpawn },
    limits: { imageTimeoutMs: deps.imageTimeoutMs, maxInputPixels: deps.maxInputPixels, tmpDir: deps.tmpDir },
  });
  const outcomes = deps.metrics
    ? new prometheus.Counter({ name: 'media_jobs_total', help: 'Media jobs by outcome', labelNames: ['outcome'], registers: [deps.metrics] })
    : undefined;
  const duration = deps.metrics
    ? new prometheus.Histogram({ name: 'media_job_duration_seconds', help: 'Time to process one media job', labelNames: ['outcome'], buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800], registers: [deps.metrics], })
    : undefined;

  const handle = async (job: Job): Promise<Outcome> => {
    const task = taskOf(job);
    if (!task) return 'skipped';
    const started = process.hrtime.bigint();
    const outcome = await runWithContext({ requestId: task.requestId, tenantId: task.tenantId, jobId: job.id }, () => withTraceparent(task.traceparent, () => processor.process(task)));
    outcomes?.inc({ outcome });
    duration?.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    return outcome;
  };

  const worker: Worker = createWorker('media', handle, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    autorun: deps.autorun ?? true,
  });
  worker.on('failed', (job, error) => deps.logger.error('media job failed', { jobId: job?.id, attempts: job?.attemptsMade, error: error.message }));
  worker.on('error', (error) => deps.logger.error('media worker error', { error: error.message }));

  return {
    worker,
    processor,
    handle,
    imagePids: () => images.pids(),
    async close() {
      await worker.close();
      await images.close();
    },
  };
}

export type MediaWorker = ReturnType<typeof createMediaWorker>;

import type { Job } from 'bullmq';
import type { Database } from '@coachline/db/database';
import type { Logger } from '@coachline/runtime/logger';
import { prometheus, type MetricsRegistry } from '@coachline/runtime/metrics';
import { consumeQueue, createDispatcher, type StallSettings } from '@coachline/runtime/queue-consumer';
import type { Redis } from '@coachline/runtime/redis';
import type { Storage } from '@coachline/runtime/storage';
import { mediaHandlers } from './handlers/media.handlers';
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
  stall?: StallSettings;
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

  const run = async (task: MediaTask): Promise<Outcome> => {
    const started = process.hrtime.bigint();
    const outcome = await processor.process(task);
    outcomes?.inc({ outcome });
    duration?.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    return outcome;
  };
  const handlers = mediaHandlers(run);
  const worker = consumeQueue('media', handlers, { connection: deps.connection, prefix: deps.prefix, logger: deps.logger, concurrency: deps.concurrency, stall: deps.stall, autorun: deps.autorun, metrics: deps.metrics });
  const dispatch = createDispatcher('media', handlers);

  return {
    worker,
    processor,
    /** One job, as the worker runs it (tests replay a delivery with it). */
    handle: (job: Pick<Job, 'name' | 'data' | 'id'>) => dispatch(job.name, job.data, job.id),
    imagePids: () => images.pids(),
    async close() {
      await worker.close();
      await images.close();
    },
  };
}

export type MediaWorker = ReturnType<typeof createMediaWorker>;

import { baseConfigSchema, z } from '@coachline/runtime/config';
import { queueWorkerConfigSchema } from '@coachline/runtime/queue-consumer';
import { storageConfigSchema } from '@coachline/runtime/storage.config';

export const configSchema = baseConfigSchema.extend(storageConfigSchema.shape).extend(queueWorkerConfigSchema.shape).extend({
  /** Side port for /health, /health/ready and /metrics. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(9103),
  /** Jobs at once; each image job has its own child process, each video its own ffmpeg. */
  MEDIA_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  MEDIA_IMAGE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  MEDIA_TRANSCODE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30 * 60_000),
  /** Images (and video frames) with more pixels are refused before decoding: decompression bombs. */
  MEDIA_MAX_INPUT_PIXELS: z.coerce.number().int().min(1).default(100_000_000),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  /** Scratch space for originals and variants while a job runs. */
  MEDIA_TMP_DIR: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema>;

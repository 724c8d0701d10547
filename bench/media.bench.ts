// `pnpm bench media`: a 12 MP JPEG turned into both WebP variants through the
// media-worker (queue, storage, child process, database) against the same sharp
// work called bare in this process; and a 60 s 1080p clip transcoded to 720p,
// as a multiple of real time. Targets: <= 1.3x the bare time; >= 2x real time.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { renderImageVariants } from '@coachline/media-worker/image.variants';
import { makeVideo, seedTenant, seedUpload } from '@coachline/media-worker/testing/media-fixtures';
import { startMediaWorker } from '@coachline/media-worker/testing/worker-harness';
import { median } from './lib/measure';

const RUNS = 5;
const MAX_PIXELS = 100_000_000;

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'media-bench-'));
  const h = await startMediaWorker({ concurrency: 1, transcodeTimeoutMs: 10 * 60_000 });
  try {
    const owner = await seedTenant(h.db);
    const done = new Map<string, () => void>();
    h.media.worker.on('completed', (job) => done.get(job.id!)?.());
    const throughWorker = async (envelope: Awaited<ReturnType<typeof seedUpload>>['envelope']) => {
      const started = performance.now();
      const job = await h.queue.add('event', envelope);
      await new Promise<void>((resolve) => done.set(job.id!, resolve));
      return performance.now() - started;
    };

    // A photo-like 4000x3000 (12 MP) JPEG: smoothed noise, neither flat nor incompressible.
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .blur(1.2)
      .jpeg({ quality: 90 })
      .toBuffer();

    const bare: number[] = [];
    const worker: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const out = await mkdtemp(join(dir, 'bare-'));
      // A new file each round, as every upload is: libvips caches operations by
      // file name, so rendering one path again would time a cache hit, not the work.
      const input = join(out, 'photo.jpg');
      await writeFile(input, photo);
      const t0 = performance.now();
      await renderImageVariants(input, out, MAX_PIXELS);
      const bareMs = performance.now() - t0;
      const { envelope } = await seedUpload(h.db, h.storage, owner, photo, { kind: 'image', contentType: 'image/jpeg' });
      const workerMs = await throughWorker(envelope);
      // The first round warms caches, the child process and connections.
      if (i > 0) {
        bare.push(bareMs);
        worker.push(workerMs);
      }
    }
    const imageRatio = median(worker) / median(bare);
    console.log(`image 12 MP JPEG -> thumb + medium WebP (median of ${RUNS}): bare sharp ${ms(median(bare))}, through the worker ${ms(median(worker))}`);
    console.log(`  ratio worker / bare: ${imageRatio.toFixed(2)}x (target <= 1.3x) ${imageRatio <= 1.3 ? 'OK' : 'MISSED'}`);

    const seconds = 60;
    const clip = await makeVideo({ seconds, width: 1920, height: 1080 });
    const { envelope } = await seedUpload(h.db, h.storage, owner, clip, { kind: 'video', contentType: 'video/mp4' });
    const videoMs = await throughWorker(envelope);
    const speed = (seconds * 1000) / videoMs;
    console.log(`video ${seconds} s 1080p -> 720p H.264/AAC + poster through the worker: ${ms(videoMs)}`);
    console.log(`  speed: ${speed.toFixed(2)}x real time (target >= 2x) ${speed >= 2 ? 'OK' : 'MISSED'}`);
  } finally {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

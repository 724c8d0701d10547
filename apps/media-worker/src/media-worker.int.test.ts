import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { tenantMediaBytes } from '@coachline/db/media';
import { mediaAssets, outboxEvents } from '@coachline/db/schema/index';
import { NoSuchObjectError } from '@coachline/runtime/storage';
import { runProcess } from './process.runner';
import { enqueueReprocess } from './reprocess';
import { makeVideo, pngBomb, seedTenant, seedUpload } from './testing/media-fixtures';
import { eventually } from '@coachline/testing/eventually';
import { startMediaWorker, type MediaWorkerHarness } from './testing/worker-harness';

let h: MediaWorkerHarness;
let scratch: string;
beforeAll(async () => {
  h = await startMediaWorker();
  scratch = await mkdtemp(join(tmpdir(), 'media-test-'));
});
afterAll(async () => {
  await h.close();
  await rm(scratch, { recursive: true, force: true });
});

async function assetOf(harness: MediaWorkerHarness, tenantId: string, id: string) {
  const [row] = await harness.db.withTenant({ tenantId }, (tx) => tx.select().from(mediaAssets).where(and(eq(mediaAssets.tenantId, tenantId), eq(mediaAssets.id, id))));
  return row!;
}

/** Waits until the worker has settled the asset one way or the other. */
function settled(harness: MediaWorkerHarness, tenantId: string, id: string) {
  return eventually(async () => {
    const row = await assetOf(harness, tenantId, id);
    return row.status === 'ready' || row.status === 'failed' ? row : undefined;
  }, 'the asset to be ready or failed', 120_000);
}

async function readyEvents(harness: MediaWorkerHarness, tenantId: string, mediaId: string) {
  const rows = await harness.db.withTenant({ tenantId }, (tx) => tx.select().from(outboxEvents).where(and(eq(outboxEvents.tenantId, tenantId), eq(outboxEvents.type, 'media.ready'))));
  return rows.filter((r) => r.payload.mediaId === mediaId);
}

async function fetchObject(key: string): Promise<Buffer> {
  const path = join(scratch, key.replace(/\//g, '_'));
  await h.storage.download(key, path);
  return readFile(path);
}

describe('images', () => {
  test('thumb and medium WebP with EXIF orientation applied and metadata stripped; media.ready goes out', async () => {
    const owner = await seedTenant(h.db);
    // Stored landscape with orientation 6 (rotate 90°), as phones do; it must come out portrait.
    const jpeg = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Copyright: 'Secret Place' } })
      .toBuffer();
    const source = await sharp(jpeg).metadata();
    expect(source.orientation).toBe(6);
    expect(source.exif?.toString('latin1')).toContain('Secret Place');
    const { mediaId, envelope } = await seedUpload(h.db, h.storage, owner, jpeg, { kind: 'image', contentType: 'image/jpeg' });
    await h.queue.add('event', envelope);

    const row = await settled(h, owner.tenantId, mediaId);
    expect(row.status).toBe('ready');
    expect(row.metadata).toEqual({ width: 1000, height: 2000 });
    const byName = Object.fromEntries(row.variants.map((v) => [v.name, v]));
    expect(byName.medium).toMatchObject({ contentType: 'image/webp', width: 512, height: 1024 });
    expect(byName.thumb).toMatchObject({ contentType: 'image/webp', width: 128, height: 256 });
    for (const variant of row.variants) {
      const meta = await sharp(await fetchObject(variant.key)).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: variant.width, height: variant.height });
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
    }
    expect((await readyEvents(h, owner.tenantId, mediaId)).map((e) => [e.payload, e.requestId])).toEqual([[{ mediaId, ownerId: owner.userId }, envelope.requestId]]);
  });

  test('a 30,000 x 30,000 PNG (a decompression bomb) fails with a reason, and the worker goes on', async () => {
    const owner = await seedTenant(h.db);
    const bomb = pngBomb(30_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const { mediaId, storageKey, envelope } = await seedUpload(h.db, h.storage, owner, bomb, { kind: 'image', contentType: 'image/png' });
    await h.queue.add('event', envelope);
    const row = await settled(h, owner.tenantId, mediaId);
    expect(row.status).toBe('failed');
    expect(row.failureReason).toMatch(/30000x30000 pixels, over the limit/);
    expect(row.variants).toEqual([]);
    await expect(h.storage.head(storageKey)).rejects.toBeInstanceOf(NoSuchObjectError);
    expect(await h.db.withTenant({ tenantId: owner.tenantId }, (tx) => tenantMediaBytes(tx))).toBe(0);
    expect(await readyEvents(h, owner.tenantId, mediaId)).toEqual([]);

    const good = await seedUpload(h.db, h.storage, owner, await sharp({ create: { width: 300, height: 300, channels: 3, background: 'green' } }).png().toBuffer(), { kind: 'image', contentType: 'image/png' });
    await h.queue.add('event', good.envelope);
    expect((await settled(h, owner.tenantId, good.mediaId)).status).toBe('ready');
  });

  test('a corrupt image fails with a reason', async () => {
    const owner = await seedTenant(h.db);
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: 'white' } }).jpeg().toBuffer();
    const corrupt = Buffer.concat([jpeg.subarray(0, 200), Buffer.alloc(2000, 0xff)]);
    const { mediaId, envelope } = await seedUpload(h.db, h.storage, owner, corrupt, { kind: 'image', contentType: 'image/jpeg' });
    await h.queue.add('event', envelope);
    const row = await settled(h, owner.tenantId, mediaId);
    expect(row.status).toBe('failed');
    expect(row.failureReason).toMatch(/image/);
  });
});

describe('videos', () => {
  test('a poster and a 720p H.264 + AAC MP4 with +faststart; duration and dimensions in the metadata', async () => {
    const owner = await seedTenant(h.db);
    const clip = await makeVideo({ seconds: 2, width: 1920, height: 1080 });
    const { mediaId, envelope } = await seedUpload(h.db, h.storage, owner, clip, { kind: 'video', contentType: 'video/mp4' });
    await h.queue.add('event', envelope);

    const row = await settled(h, owner.tenantId, mediaId);
    expect(row.status).toBe('ready');
    expect(row.metadata).toMatchObject({ width: 1920, height: 1080, hasAudio: true });
    expect(row.metadata.durationSeconds).toBeCloseTo(2, 0);
    const byName = Object.fromEntries(row.variants.map((v) => [v.name, v]));
    expect(byName['720p']).toMatchObject({ contentType: 'video/mp4', width: 1280, height: 720 });
    expect(byName.poster).toMatchObject({ contentType: 'image/jpeg', width: 1280, height: 720 });

    const mp4 = await fetchObject(byName['720p']!.key);
    // +faststart: the index (moov) comes before the media data (mdat).
    expect(mp4.indexOf('moov')).toBeGreaterThan(0);
    expect(mp4.indexOf('moov')).toBeLessThan(mp4.indexOf('mdat'));
    const path = join(scratch, `${mediaId}.mp4`);
    await h.storage.download(byName['720p']!.key, path);
    const probe = JSON.parse((await runProcess('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', path], { timeoutMs: 30_000 })).stdout) as {
      streams: { codec_type: string; codec_name: string }[];
    };
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect((await sharp(await fetchObject(byName.poster!.key)).metadata()).format).toBe('jpeg');
  });

  test('a truncated video fails with a reason', async () => {
    const owner = await seedTenant(h.db);
    const clip = await makeVideo({ seconds: 2, width: 320, height: 240 });
    const truncated = clip.subarray(0, Math.floor(clip.length / 2));
    const { mediaId, envelope } = await seedUpload(h.db, h.storage, owner, truncated, { kind: 'video', contentType: 'video/mp4' });
    await h.queue.add('event', envelope);
    const row = await settled(h, owner.tenantId, mediaId);
    expect(row.status).toBe('failed');
    expect(row.failureReason).toMatch(/not a readable video|no video stream|could not be transcoded/);
  });
});

describe('documents', () => {
  test('a PDF is ready as uploaded, and its bytes count once', async () => {
    const owner = await seedTenant(h.db);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const { mediaId, storageKey, envelope } = await seedUpload(h.db, h.storage, owner, pdf, { kind: 'document', contentType: 'application/pdf' });
    await h.queue.add('event', envelope);
    const row = await settled(h, owner.tenantId, mediaId);
    expect(row.status).toBe('ready');
    expect(row.variants).toEqual([{ name: 'original', key: storageKey, contentType: 'application/pdf', sizeBytes: pdf.length }]);
    expect(await h.db.withTenant({ tenantId: owner.tenantId }, (tx) => tenantMediaBytes(tx))).toBe(pdf.length);
  });
});

describe('idempotency and ordering', () => {
  test('a replayed job writes no variant twice and counts storage once', async () => {
    const owner = await seedTenant(h.db);
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: 'navy' } }).png().toBuffer();
    const { mediaId, envelope } = await seedUpload(h.db, h.storage, owner, png, { kind: 'image', contentType: 'image/png' });
    await h.queue.add('event', envelope, { jobId: 'first' });
    const first = await settled(h, owner.tenantId, mediaId);
    const bytes = await h.db.withTenant({ tenantId: owner.tenantId }, (tx) => tenantMediaBytes(tx));
    expect(bytes).toBe(png.length + first.variants.reduce((sum, v) => sum + v.sizeBytes, 0));
    const stamps = await Promise.all(first.variants.map((v) => h.storage.head(v.key)));

    // The relay re-publishes after a crash, or an operator replays the dead-letter job.
    const replay = await h.queue.add('event', envelope, { jobId: 'replay' });
    expect(await eventually(async () => ((await replay.isCompleted()) ? true : undefined), 'the replayed job to complete', 60_000)).toBe(true);
    expect((await h.queue.queue.getJob(replay.id!))?.returnvalue).toBe('skipped');
    expect((await h.media.handle({ name: 'event', data: envelope } as never))).toBe('skipped');

    const after = await assetOf(h, owner.tenantId, mediaId);
    expect(after.variants).toEqual(first.variants);
    expect(await Promise.all(after.variants.map((v) => h.storage.head(v.key)))).toEqual(stamps);
    expect(await h.db.withTenant({ tenantId: owner.tenantId }, (tx) => tenantMediaBytes(tx))).toBe(bytes);
    expect(await readyEvents(h, owner.tenantId, mediaId)).toHaveLength(1);
  });

  test('malformed jobs fail without retries', async () => {
    const job = await h.queue.queue.add('event', { id: 'nope' });
    const failed = await eventually(async () => ((await job.isFailed()) ? await h.queue.queue.getJob(job.id!) : undefined), 'the malformed job to fail', 60_000);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/Malformed event job/);
  });

  test('fresh uploads are processed before re-processing', async () => {
    const paused = await startMediaWorker({ autorun: false });
    try {
      const owner = await seedTenant(paused.db);
      const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: 'red' } }).png().toBuffer();
      const old = await Promise.all([1, 2].map(() => seedUpload(paused.db, paused.storage, owner, png, { kind: 'image', contentType: 'image/png' })));
      const fresh = await seedUpload(paused.db, paused.storage, owner, png, { kind: 'image', contentType: 'image/png' });
      for (const o of old) await enqueueReprocess(paused.queue, owner.tenantId, o.mediaId);
      await paused.queue.add('event', fresh.envelope);

      const order: string[] = [];
      paused.media.worker.on('completed', (job) => order.push(job.name));
      void paused.media.worker.run();
      await eventually(async () => (order.length === 3 ? true : undefined), 'three jobs to run', 60_000);
      expect(order).toEqual(['event', 'process', 'process']);
      for (const o of old) expect((await assetOf(paused, owner.tenantId, o.mediaId)).status).toBe('ready');
      expect(await readyEvents(paused, owner.tenantId, fresh.mediaId)).toHaveLength(1);
    } finally {
      await paused.close();
    }
  });
});

describe('timeouts', () => {
  test('a transcode that overruns its timeout is killed, the asset fails, and the next job runs', async () => {
    const tight = await startMediaWorker({ transcodeTimeoutMs: 100 });
    try {
      const owner = await seedTenant(tight.db);
      const clip = await makeVideo({ seconds: 8, width: 1280, height: 720 });
      const slow = await seedUpload(tight.db, tight.storage, owner, clip, { kind: 'video', contentType: 'video/mp4' });
      const next = await seedUpload(tight.db, tight.storage, owner, await sharp({ create: { width: 500, height: 400, channels: 3, background: 'gray' } }).jpeg().toBuffer(), {
        kind: 'image',
        contentType: 'image/jpeg',
      });
      await tight.queue.add('event', slow.envelope);
      await tight.queue.add('event', next.envelope);

      const failed = await settled(tight, owner.tenantId, slow.mediaId);
      expect(failed.status).toBe('failed');
      expect(failed.failureReason).toMatch(/longer than 0.1 s/);
      expect((await settled(tight, owner.tenantId, next.mediaId)).status).toBe('ready');
      expect(tight.spawned.length).toBeGreaterThan(0);
      for (const pid of tight.spawned) expect(alive(pid)).toBe(false);
    } finally {
      await tight.close();
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

import { startGateway, type Gateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { sql } from '@coachline/db/database';
import type { EventEnvelope } from '@coachline/domain/events';
import { makeVideo } from '@coachline/media-worker/testing/media-fixtures';
import { startMediaWorker, type MediaWorkerHarness } from '@coachline/media-worker/testing/worker-harness';
import { eventually } from '@coachline/testing/eventually';
import { NoSuchUploadError } from '@coachline/runtime/storage';
import { createLogger } from '@coachline/runtime/logger';
import { createAbortAbandonedUploads } from '@coachline/scheduler/handlers/abort-abandoned-uploads.handler';
import sharp from 'sharp';

const MiB = 1024 * 1024;
let gw: Gateway;
let worker: MediaWorkerHarness;

beforeAll(async () => {
  gw = await startGateway({ MEDIA_TENANT_QUOTA_BYTES: String(200 * MiB) });
  worker = await startMediaWorker();
});
afterAll(async () => {
  await worker.close();
  await gw.close();
});

async function upload(user: TestUser, file: Buffer, declared: { kind: string; contentType: string; filename: string }) {
  const intent = await gw.http().post('/v1/media/upload-intent').set(gw.auth(user)).send({ ...declared, sizeBytes: file.length });
  expect(intent.status).toBe(201);
  const { mediaId, partSize, parts } = intent.body as { mediaId: string; partSize: number; parts: { partNumber: number; url: string }[] };
  const sent = [];
  for (const part of parts) {
    const res = await fetch(part.url, { method: 'PUT', body: file.subarray((part.partNumber - 1) * partSize, part.partNumber * partSize) });
    expect(res.status).toBe(200);
    sent.push({ partNumber: part.partNumber, etag: res.headers.get('etag') });
  }
  const finalized = await gw.http().post(`/v1/media/${mediaId}/finalize`).set(gw.auth(user)).send({ parts: sent });
  expect(finalized.status).toBe(202);
  return { mediaId, partCount: parts.length };
}

/** Does what the outbox relay does for this one event: the media.uploaded row becomes a job on the media queue. */
async function relay(tenantId: string, mediaId: string) {
  const rows = await gw.deps.db.withTenant({ tenantId }, (tx) =>
    tx.execute<{ id: string; type: string; payload: Record<string, unknown>; created_at: Date; request_id: string | null }>(
      sql`SELECT id, type, payload, created_at, request_id FROM outbox_events WHERE type = 'media.uploaded' AND payload->>'mediaId' = ${mediaId}`,
    ),
  );
  const row = rows.rows[0]!;
  const envelope: EventEnvelope = {
    id: row.id,
    tenantId,
    type: 'media.uploaded',
    payload: row.payload,
    occurredAt: new Date(row.created_at).toISOString(),
    ...(row.request_id ? { requestId: row.request_id } : {}),
  };
  await worker.queue.add('event', envelope);
}

async function whenSettled(user: TestUser, mediaId: string) {
  return eventually(async () => {
    const res = await gw.http().get(`/v1/media/${mediaId}`).set(gw.auth(user));
    return ['ready', 'failed'].includes(res.body.status) ? res.body : undefined;
  }, 'the media to be ready or failed', 120_000);
}

async function play(user: TestUser, mediaId: string, variant: string) {
  const res = await gw.http().get(`/v1/media/${mediaId}/playback-url?variant=${variant}`).set(gw.auth(user));
  expect(res.status).toBe(200);
  const file = await fetch(res.body.url);
  expect(file.status).toBe(200);
  return { contentType: file.headers.get('content-type'), bytes: Buffer.from(await file.arrayBuffer()) };
}

test('an image uploaded in parts is finalized, processed, and its variants play through presigned URLs', async () => {
  const { athlete, coach } = await gw.tenantWithTeam();
  const photo = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 120, sigma: 50 } } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const { mediaId, partCount } = await upload(athlete, photo, { kind: 'image', contentType: 'image/png', filename: 'progress.png' });
  expect(partCount).toBeGreaterThan(1);
  await relay(athlete.tenantId, mediaId);

  const media = await whenSettled(athlete, mediaId);
  expect(media).toMatchObject({ status: 'ready', sizeBytes: photo.length, metadata: { width: 2400, height: 1800 } });
  expect(media.variants).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'thumb', contentType: 'image/webp', width: 256, height: 192 }),
      expect.objectContaining({ name: 'medium', contentType: 'image/webp', width: 1024, height: 768 }),
    ]),
  );
  for (const [variant, width, height] of [['thumb', 256, 192], ['medium', 1024, 768]] as const) {
    const { contentType, bytes } = await play(coach, mediaId, variant);
    expect(contentType).toBe('image/webp');
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width, height });
  }
});

test('a video is transcoded to a playable 720p MP4 with a poster', async () => {
  const { athlete } = await gw.tenantWithTeam();
  const clip = await makeVideo({ seconds: 2, width: 1280, height: 720 });
  const { mediaId } = await upload(athlete, clip, { kind: 'video', contentType: 'video/mp4', filename: 'squat.mp4' });
  await relay(athlete.tenantId, mediaId);
  const media = await whenSettled(athlete, mediaId);
  expect(media.status).toBe('ready');
  expect(media.metadata).toMatchObject({ width: 1280, height: 720 });
  const video = await play(athlete, mediaId, '720p');
  expect(video.contentType).toBe('video/mp4');
  expect(video.bytes.indexOf('moov')).toBeLessThan(video.bytes.indexOf('mdat'));
  const poster = await play(athlete, mediaId, 'poster');
  expect((await sharp(poster.bytes).metadata()).format).toBe('jpeg');
});

test('abandoned uploads are aborted by the scheduler job and their reservation released', async () => {
  const admin = await gw.signup();
  const intent = (sizeBytes: number) =>
    gw.http().post('/v1/media/upload-intent').set(gw.auth(admin)).send({ filename: 'big.mp4', contentType: 'video/mp4', kind: 'video', sizeBytes });
  const first = await intent(150 * MiB);
  expect(first.status).toBe(201);
  expect((await intent(100 * MiB)).status).toBe(403);

  const sweep = createAbortAbandonedUploads({ db: gw.deps.db, storage: gw.deps.storage, logger: createLogger('scheduler', 'silent'), abandonAfterSeconds: 24 * 3600 });
  // Young uploads are left alone.
  await sweep();
  expect((await gw.http().get(`/v1/media/${first.body.mediaId}`).set(gw.auth(admin))).body.status).toBe('pending');

  // Backdated rather than sweeping with a future clock, which would also take other test files' uploads.
  await gw.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) =>
    tx.execute(sql`UPDATE media_assets SET created_at = now() - interval '25 hours' WHERE tenant_id = ${admin.tenantId} AND id = ${first.body.mediaId}`),
  );
  const { aborted } = await sweep();
  expect(aborted).toBeGreaterThanOrEqual(1);
  const media = await gw.http().get(`/v1/media/${first.body.mediaId}`).set(gw.auth(admin));
  expect(media.body).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/abandoned/) });
  await expect(gw.deps.storage.listParts(`${admin.tenantId}/${first.body.mediaId}/original`, first.body.uploadId)).rejects.toBeInstanceOf(NoSuchUploadError);
  expect((await intent(100 * MiB)).status).toBe(201);
});

import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { newId } from '@coachline/db/ids';
import { attachableMediaIds } from '@coachline/db/media';
import { mediaAssets, outboxEvents, posts, spaceMembers, spaces } from '@coachline/db/schema/index';
import { NoSuchObjectError } from '@coachline/runtime/storage';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

const MiB = 1024 * 1024;
let gw: Gateway;
let bigPng: Buffer;

beforeAll(async () => {
  gw = await startGateway();
  // Noise does not compress, so the PNG spans three 8 MiB parts.
  bigPng = await sharp({ create: { width: 2400, height: 2400, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png({ compressionLevel: 1 })
    .toBuffer();
});
afterAll(() => gw.close());

interface Intent {
  mediaId: string;
  uploadId: string;
  partSize: number;
  parts: { partNumber: number; url: string }[];
}

async function intent(g: Gateway, user: TestUser, body: Record<string, unknown>) {
  return g.http().post('/v1/media/upload-intent').set(g.auth(user)).send(body);
}

async function putPart(url: string, bytes: Buffer): Promise<string> {
  const res = await fetch(url, { method: 'PUT', body: bytes });
  if (res.status !== 200) throw new Error(`part upload failed: ${res.status} ${await res.text()}`);
  return res.headers.get('etag')!;
}

function slice(file: Buffer, partSize: number, partNumber: number) {
  return file.subarray((partNumber - 1) * partSize, partNumber * partSize);
}

/** Starts an upload and sends every part, as a browser would. */
async function uploadAll(g: Gateway, user: TestUser, file: Buffer, declared: { contentType: string; kind: string; filename?: string }) {
  const res = await intent(g, user, { filename: declared.filename ?? 'file.bin', sizeBytes: file.length, ...declared });
  expect(res.status).toBe(201);
  const started = res.body as Intent;
  const parts = [];
  for (const part of started.parts) parts.push({ partNumber: part.partNumber, etag: await putPart(part.url, slice(file, started.partSize, part.partNumber)) });
  return { started, parts };
}

const finalize = (g: Gateway, user: TestUser, id: string, parts: unknown) => g.http().post(`/v1/media/${id}/finalize`).set(g.auth(user)).send({ parts });

describe('direct-to-storage upload', () => {
  test('a file sent in several parts is finalized: real size and type checked, media.uploaded in the outbox', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const { started, parts } = await uploadAll(gw, athlete, bigPng, { contentType: 'image/png', kind: 'image', filename: 'progress.png' });
    expect(started.partSize).toBe(8 * MiB);
    expect(started.parts.length).toBe(Math.ceil(bigPng.length / started.partSize));
    expect(started.parts.length).toBeGreaterThan(1);
    expect(new URL(started.parts[0]!.url).searchParams.get('X-Amz-Expires')).toBe('3600');

    const done = await finalize(gw, athlete, started.mediaId, parts);
    expect(done.status).toBe(202);
    expect(done.body).toEqual({ id: started.mediaId, status: 'processing' });

    const got = await gw.http().get(`/v1/media/${started.mediaId}`).set(gw.auth(athlete));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: started.mediaId, kind: 'image', status: 'processing', sizeBytes: bigPng.length, contentType: 'image/png', variants: [] });

    const head = await gw.deps.storage.head(`${athlete.tenantId}/${started.mediaId}/original`);
    expect(head.sizeBytes).toBe(bigPng.length);
    const events = await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) =>
      tx.select().from(outboxEvents).where(and(eq(outboxEvents.tenantId, athlete.tenantId), eq(outboxEvents.type, 'media.uploaded'))),
    );
    expect(events.map((e) => e.payload)).toEqual([{ mediaId: started.mediaId, ownerId: athlete.id, kind: 'image' }]);

    // A finalize retried after a lost answer gets the same answer.
    const again = await finalize(gw, athlete, started.mediaId, parts);
    expect(again.status).toBe(202);
    expect(again.body.status).toBe('processing');
  });

  test('an interrupted upload resumes: the store lists what it has, and fresh URLs come for the rest', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const res = await intent(gw, athlete, { filename: 'resume.png', contentType: 'image/png', kind: 'image', sizeBytes: bigPng.length });
    const started = res.body as Intent;
    const first = await putPart(started.parts[0]!.url, slice(bigPng, started.partSize, 1));

    const state = await gw.http().get(`/v1/media/${started.mediaId}/parts`).set(gw.auth(athlete));
    expect(state.status).toBe(200);
    expect(state.body.uploaded).toEqual([{ partNumber: 1, etag: first, sizeBytes: started.partSize }]);
    const rest = state.body.parts as { partNumber: number; url: string }[];
    expect(rest.map((p) => p.partNumber)).toEqual(started.parts.slice(1).map((p) => p.partNumber));

    // Finalizing before every part arrived names what is missing and changes nothing.
    const early = await finalize(gw, athlete, started.mediaId, started.parts.map((p, i) => ({ partNumber: p.partNumber, etag: i === 0 ? first : '"0"' })));
    expect(early.status).toBe(422);
    expect(early.body.errors.map((e: { path: string }) => e.path)).toEqual(rest.map((p) => `parts.${p.partNumber}`));

    const parts = [{ partNumber: 1, etag: first }];
    for (const part of rest) parts.push({ partNumber: part.partNumber, etag: await putPart(part.url, slice(bigPng, started.partSize, part.partNumber)) });
    const done = await finalize(gw, athlete, started.mediaId, parts);
    expect(done.status).toBe(202);
    const after = await gw.http().get(`/v1/media/${started.mediaId}/parts`).set(gw.auth(athlete));
    expect(after.status).toBe(409);
  });

  test('a text file declared as image/png is failed with a reason and its object deleted', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const text = Buffer.from('this is not a picture, only words pretending to be one\n'.repeat(50));
    const { started, parts } = await uploadAll(gw, athlete, text, { contentType: 'image/png', kind: 'image', filename: 'fake.png' });
    const res = await finalize(gw, athlete, started.mediaId, parts);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/not image\/png/);
    const got = await gw.http().get(`/v1/media/${started.mediaId}`).set(gw.auth(athlete));
    expect(got.body).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/not image\/png/) });
    await expect(gw.deps.storage.head(`${athlete.tenantId}/${started.mediaId}/original`)).rejects.toBeInstanceOf(NoSuchObjectError);
    const events = await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.select().from(outboxEvents).where(eq(outboxEvents.type, 'media.uploaded')));
    expect(events.filter((e) => e.payload.mediaId === started.mediaId)).toEqual([]);
    expect((await finalize(gw, athlete, started.mediaId, parts)).status).toBe(409);
  });

  test('a file smaller than declared is failed', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: 'red' } }).png().toBuffer();
    const res = await intent(gw, athlete, { filename: 'a.png', contentType: 'image/png', kind: 'image', sizeBytes: png.length + 10 });
    const etag = await putPart(res.body.parts[0].url, png);
    const done = await finalize(gw, athlete, res.body.mediaId, [{ partNumber: 1, etag }]);
    expect(done.status).toBe(422);
    expect(done.body.detail).toMatch(/declared/);
  });

  test('validation: content type per kind, bounded names, strict bodies', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const wrongType = await intent(gw, athlete, { filename: 'a.mp4', contentType: 'video/mp4', kind: 'image', sizeBytes: 10 });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.errors).toEqual([{ path: 'contentType', message: expect.stringMatching(/not allowed for kind "image"/) }]);
    expect((await intent(gw, athlete, { filename: '../etc/passwd', contentType: 'image/png', kind: 'image', sizeBytes: 10 })).status).toBe(422);
    expect((await intent(gw, athlete, { filename: 'a.png', contentType: 'image/png', kind: 'image', sizeBytes: 0 })).status).toBe(422);
    expect((await intent(gw, athlete, { filename: 'a.png', contentType: 'image/png', kind: 'image', sizeBytes: 10, tenantId: athlete.tenantId })).status).toBe(422);
    expect((await intent(gw, athlete, { filename: 'a.png', contentType: 'image/png', kind: 'audio', sizeBytes: 10 })).status).toBe(422);
  });

  test('over the per-file limit is 413, before the quota is looked at', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const res = await intent(gw, athlete, { filename: 'huge.mp4', contentType: 'video/mp4', kind: 'video', sizeBytes: 500 * MiB + 1 });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

test('the media routes are in the OpenAPI document', async () => {
  const doc = (await gw.http().get('/openapi.json')).body;
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/v1/media/upload-intent', '/v1/media/{id}/finalize', '/v1/media/{id}/parts', '/v1/media/{id}', '/v1/media/{id}/playback-url']),
  );
  expect(doc.paths['/v1/media/upload-intent'].post['x-permission']).toBe('media:write');
});

describe('quota, expiry and rate limits', () => {
  let small: Gateway;
  beforeAll(async () => {
    small = await startGateway({ MEDIA_TENANT_QUOTA_BYTES: String(20 * MiB), MEDIA_UPLOAD_URL_TTL_SECONDS: '1', RATE_LIMIT_UPLOADS_PER_USER_PER_HOUR: '12' });
  });
  afterAll(() => small.close());

  const intentOf = (user: TestUser, sizeBytes: number) => intent(small, user, { filename: 'clip.mp4', contentType: 'video/mp4', kind: 'video', sizeBytes });

  test('pending uploads count against the quota: 403 QUOTA_EXCEEDED, and 413 still comes first', async () => {
    const admin = await small.signup();
    expect((await intentOf(admin, 12 * MiB)).status).toBe(201);
    const over = await intentOf(admin, 12 * MiB);
    expect(over.status).toBe(403);
    expect(over.body.code).toBe('QUOTA_EXCEEDED');
    expect((await intentOf(admin, 501 * MiB)).status).toBe(413);
    expect((await intentOf(admin, 8 * MiB)).status).toBe(201);
  });

  test('concurrent intents never reserve more than the quota', async () => {
    const admin = await small.signup();
    const results = await Promise.all(Array.from({ length: 6 }, () => intentOf(admin, 5 * MiB)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(4);
    expect(results.filter((r) => r.status === 403)).toHaveLength(2);
    const rows = await small.deps.db.withTenant({ tenantId: admin.tenantId }, (tx) => tx.select().from(mediaAssets).where(eq(mediaAssets.tenantId, admin.tenantId)));
    expect(rows).toHaveLength(4);
  });

  test('a part URL stops working when it expires, and the resume route hands out fresh ones', async () => {
    const admin = await small.signup();
    const res = await intent(small, admin, { filename: 'a.png', contentType: 'image/png', kind: 'image', sizeBytes: 100 });
    const url = res.body.parts[0].url as string;
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('1');
    // Wait on the clock (no request) until the signature's lifetime is certainly over, then try once.
    const signed = new URL(url).searchParams.get('X-Amz-Date')!;
    const signedAt = Date.parse(signed.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    while (Date.now() < signedAt + 2_500) await new Promise((r) => setTimeout(r, 100));
    const refused = await fetch(url, { method: 'PUT', body: Buffer.alloc(100) });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('expired');
    const fresh = await small.http().get(`/v1/media/${res.body.mediaId}/parts`).set(small.auth(admin));
    expect(fresh.status).toBe(200);
    expect(fresh.body.uploaded).toEqual([]);
    expect(fresh.body.parts).toHaveLength(1);
    expect(new URL(fresh.body.parts[0].url).searchParams.get('X-Amz-Date')! > signed).toBe(true);
  });

  test('the upload routes have their own rate limit', async () => {
    const admin = await small.signup();
    const statuses = [];
    for (let i = 0; i < 13; i++) statuses.push((await intentOf(admin, 1)).status);
    expect(statuses.slice(0, 12).every((s) => s === 201 || s === 403)).toBe(true);
    expect(statuses[12]).toBe(429);
    // Reading media is not limited by it.
    expect((await small.http().get(`/v1/media/${newId()}`).set(small.auth(admin))).status).toBe(404);
  });
});

describe('who sees media', () => {
  /** Stands in for the media-worker: marks the asset ready with one variant pointing at its original. */
  async function readyImage(owner: TestUser) {
    const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: 'blue' } }).png().toBuffer();
    const { started, parts } = await uploadAll(gw, owner, png, { contentType: 'image/png', kind: 'image' });
    expect((await finalize(gw, owner, started.mediaId, parts)).status).toBe(202);
    await gw.deps.db.withTenant({ tenantId: owner.tenantId }, (tx) =>
      tx
        .update(mediaAssets)
        .set({ status: 'ready', variants: [{ name: 'medium', key: `${owner.tenantId}/${started.mediaId}/original`, contentType: 'image/png', sizeBytes: png.length, width: 40, height: 20 }] })
        .where(and(eq(mediaAssets.tenantId, owner.tenantId), eq(mediaAssets.id, started.mediaId))),
    );
    return { id: started.mediaId, png };
  }

  const playback = (user: TestUser, id: string, query = '') => gw.http().get(`/v1/media/${id}/playback-url${query}`).set(gw.auth(user));

  test('uploader, coaches and admins get an expiring URL; other athletes get 404 until it is posted in their space', async () => {
    const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
    const { id, png } = await readyImage(athlete);

    const own = await playback(athlete, id);
    expect(own.status).toBe(200);
    expect(own.body.variant).toBe('medium');
    expect(new Date(own.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(new URL(own.body.url).searchParams.get('X-Amz-Expires')).toBe('900');
    const fetched = await fetch(own.body.url);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(png)).toBe(true);

    expect((await playback(coach, id)).status).toBe(200);
    expect((await playback(admin, id)).status).toBe(200);
    expect((await playback(athlete2, id)).status).toBe(404);
    expect((await gw.http().get(`/v1/media/${id}`).set(gw.auth(athlete2))).status).toBe(404);

    await gw.deps.db.withTenant({ tenantId: admin.tenantId }, async (tx) => {
      const spaceId = newId();
      await tx.insert(spaces).values({ tenantId: admin.tenantId, id: spaceId, name: 'Form checks', createdBy: coach.id });
      await tx.insert(spaceMembers).values([athlete, athlete2].map((u) => ({ tenantId: admin.tenantId, id: newId(), spaceId, userId: u.id })));
      await tx.insert(posts).values({ tenantId: admin.tenantId, id: newId(), spaceId, authorId: athlete.id, body: 'my squat', mediaIds: [id] });
    });
    expect((await playback(athlete2, id)).status).toBe(200);

    expect((await playback(athlete, id, '?variant=720p')).status).toBe(422);
    expect((await playback(athlete, id, '?variant=nope')).status).toBe(422);
  });

  test('media not ready yet has no playback URL', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const res = await intent(gw, athlete, { filename: 'a.png', contentType: 'image/png', kind: 'image', sizeBytes: 100 });
    expect((await playback(athlete, res.body.mediaId)).status).toBe(409);
    expect((await gw.http().get(`/v1/media/${res.body.mediaId}`).set(gw.auth(athlete))).body.status).toBe('pending');
  });

  test('only processing or ready media of the tenant can be attached', async () => {
    const { athlete } = await gw.tenantWithTeam();
    const { id } = await readyImage(athlete);
    const pending = await intent(gw, athlete, { filename: 'a.png', contentType: 'image/png', kind: 'image', sizeBytes: 100 });
    const stranger = await gw.signup();
    const foreign = await readyImage(stranger);
    const ids = [id, pending.body.mediaId, foreign.id, newId()];
    expect(await gw.deps.db.withTenant({ tenantId: athlete.tenantId }, (tx) => attachableMediaIds(tx, ids))).toEqual(new Set([id]));
  });

  test("another tenant's media id is 404 on every route", async () => {
    const { athlete } = await gw.tenantWithTeam();
    const { id } = await readyImage(athlete);
    const stranger = await gw.signup();
    expect((await gw.http().get(`/v1/media/${id}`).set(gw.auth(stranger))).status).toBe(404);
    expect((await playback(stranger, id)).status).toBe(404);
    expect((await gw.http().get(`/v1/media/${id}/parts`).set(gw.auth(stranger))).status).toBe(404);
    // 404 before the (invalid) body is judged.
    expect((await gw.http().post(`/v1/media/${id}/finalize`).set(gw.auth(stranger)).send({ parts: 'x' })).status).toBe(404);
    expect((await gw.http().get('/v1/media/not-a-uuid').set(gw.auth(stranger))).status).toBe(404);
  });
});

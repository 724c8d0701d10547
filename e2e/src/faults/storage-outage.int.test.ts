import { eventually } from '@coachline/testing/eventually';
import sharp from 'sharp';
import type { ApiClient, ApiUser } from '../testing/api-client';
import type { AppProcess } from '../testing/app-process';
import { startProcessStack, type ProcessStack } from '../testing/process-stack';
import { startTcpProxy } from '../testing/tcp-proxy';

/**
 * Object storage going away and coming back, for the gateway and the media
 * worker apart: each reaches the store through a proxy of its own, closed to
 * take the store away (connections refused) and opened again on the same port.
 * Clients upload their parts straight to the store, which stays up for them.
 */
type Proxy = Awaited<ReturnType<typeof startTcpProxy>>;
const store = new URL(process.env.S3_ENDPOINT!);
const storePort = Number(store.port);
const proxies: Record<'gateway' | 'worker', Proxy | undefined> = { gateway: undefined, worker: undefined };
const urlOf = (proxy: Proxy) => `http://127.0.0.1:${proxy.port}`;

async function cut(side: keyof typeof proxies) {
  await proxies[side]!.close();
}
async function restore(side: keyof typeof proxies) {
  proxies[side] = await startTcpProxy(storePort, { port: proxies[side]!.port });
}

let stack: ProcessStack;
let gateway: AppProcess;
let api: ApiClient;
beforeAll(async () => {
  proxies.gateway = await startTcpProxy(storePort);
  proxies.worker = await startTcpProxy(storePort);
  stack = await startProcessStack();
  [gateway] = await Promise.all([
    stack.start('api-gateway', { S3_ENDPOINT: urlOf(proxies.gateway), S3_PUBLIC_ENDPOINT: store.origin }),
    stack.start('scheduler'),
    stack.start('media-worker', { S3_ENDPOINT: urlOf(proxies.worker), S3_PUBLIC_ENDPOINT: store.origin }),
  ]);
  api = stack.api(gateway);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  for (const proxy of Object.values(proxies)) await proxy?.close();
}, 60_000);

const photo = () => sharp({ create: { width: 1600, height: 1200, channels: 3, background: 'gray' } }).png().toBuffer();

/** The intent and the parts, straight to the store as a browser sends them: everything but finalize. */
async function sendParts(user: ApiUser, file: Buffer) {
  const intent = await api.request('POST', '/v1/media/upload-intent', { user, body: { kind: 'image', contentType: 'image/png', filename: 'progress.png', sizeBytes: file.length } });
  expect(intent.status).toBe(201);
  const partSize = intent.body.partSize as number;
  const parts = [];
  for (const part of intent.body.parts as Array<{ partNumber: number; url: string }>) {
    const res = await fetch(part.url, { method: 'PUT', body: file.subarray((part.partNumber - 1) * partSize, part.partNumber * partSize) });
    expect(res.status).toBe(200);
    parts.push({ partNumber: part.partNumber, etag: res.headers.get('etag') });
  }
  return { mediaId: intent.body.mediaId as string, parts };
}

const mediaRows = async (tenantId: string) => Number((await stack.rows<{ n: string }>('SELECT count(*) AS n FROM media_assets WHERE tenant_id = $1', [tenantId]))[0]!.n);

test('with storage gone, the gateway answers 503 with Retry-After and changes nothing; once it is back the same finalize succeeds', async () => {
  const { athletes } = await api.team(1);
  const athlete = athletes[0]!;
  const file = await photo();
  const { mediaId, parts } = await sendParts(athlete, file);

  await cut('gateway');
  try {
    const finalize = await api.request('POST', `/v1/media/${mediaId}/finalize`, { user: athlete, body: { parts } });
    expect(finalize.status).toBe(503);
    expect(finalize.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(finalize.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringContaining('file storage') });
    expect((await api.request('GET', `/v1/media/${mediaId}`, { user: athlete })).body).toMatchObject({ status: 'pending' });

    const intent = await api.request('POST', '/v1/media/upload-intent', { user: athlete, body: { kind: 'image', contentType: 'image/png', filename: 'second.png', sizeBytes: file.length } });
    expect(intent.status).toBe(503);
    expect(await mediaRows(athlete.tenantId)).toBe(1);
    // Reads that need no store still answer.
    expect((await api.request('GET', '/v1/me', { user: athlete })).status).toBe(200);
  } finally {
    await restore('gateway');
  }

  const retried = await api.request('POST', `/v1/media/${mediaId}/finalize`, { user: athlete, body: { parts } });
  expect(retried.status).toBe(202);
  // Logged as the outage it is, once per request, not as a bug with a stack.
  const lines = gateway.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { message?: string; dependency?: string; level?: string });
  expect(lines.filter((line) => line.message === 'dependency unavailable' && line.dependency === 'storage')).toHaveLength(2);
  expect(lines.filter((line) => line.message === 'unhandled error')).toEqual([]);
}, 120_000);

test('with storage gone for the media worker, its job fails on the store and is retried; once the store is back the upload is ready once', async () => {
  const { athletes } = await api.team(1);
  const athlete = athletes[0]!;
  const queue = stack.queue('media');

  await cut('worker');
  let mediaId: string;
  try {
    const sent = await sendParts(athlete, await photo());
    mediaId = sent.mediaId;
    expect((await api.request('POST', `/v1/media/${mediaId}/finalize`, { user: athlete, body: { parts: sent.parts } })).status).toBe(202);
    // Two attempts failed on the unreachable store, and the job waits for its next one.
    const failing = await eventually(async () => {
      const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'failed']);
      const job = jobs.find((j) => (j.data as { payload?: { mediaId?: string } }).payload?.mediaId === mediaId);
      return job && job.attemptsMade >= 2 ? job : undefined;
    }, 'the media job to fail twice on the store', 60_000);
    expect(failing.failedReason).toMatch(/ECONNREFUSED/);
    expect((await api.request('GET', `/v1/media/${mediaId}`, { user: athlete })).body).toMatchObject({ status: 'processing' });
  } finally {
    await restore('worker');
  }

  const media = await eventually(async () => {
    const res = await api.request('GET', `/v1/media/${mediaId}`, { user: athlete });
    return ['ready', 'failed'].includes(res.body.status as string) ? res.body : undefined;
  }, 'the upload to be processed', 90_000);
  expect(media).toMatchObject({ status: 'ready', variants: expect.arrayContaining([expect.objectContaining({ name: 'thumb' }), expect.objectContaining({ name: 'medium' })]) });
  const ready = await stack.rows<{ n: string }>(`SELECT count(*) AS n FROM outbox_events WHERE tenant_id = $1 AND type = 'media.ready' AND payload->>'mediaId' = $2`, [athlete.tenantId, mediaId]);
  expect(Number(ready[0]!.n)).toBe(1);
}, 180_000);

import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { mediaAssets, memberships, tenants, users } from '@coachline/db/schema/index';
import type { EventEnvelope } from '@coachline/domain/events';
import type { Storage } from '@coachline/runtime/storage';
import { runProcess } from '../process.runner';

/** A tenant with one member, made directly in the database (apps never import each other). */
export async function seedTenant(db: Database) {
  const tenantId = newId();
  const userId = newId();
  // Creating a tenant is platform work: the system role.
  await db.withSystem(async (tx) => {
    await tx.insert(tenants).values({ id: tenantId, name: `Media test ${tenantId.slice(-6)}` });
    await tx.insert(users).values({ id: userId, email: `media-${randomUUID()}@example.com`, name: 'Uploader', passwordHash: 'x' });
  });
  await db.withTenant({ tenantId }, (tx) => tx.insert(memberships).values({ tenantId, id: newId(), userId, role: 'ATHLETE' }));
  return { tenantId, userId };
}

/** An asset as finalize leaves it (status processing, original in storage), and its media.uploaded envelope. */
export async function seedUpload(
  db: Database,
  storage: Storage,
  owner: { tenantId: string; userId: string },
  file: Buffer,
  declared: { kind: 'image' | 'video' | 'document'; contentType: string },
): Promise<{ mediaId: string; storageKey: string; envelope: EventEnvelope }> {
  const mediaId = newId();
  const storageKey = `${owner.tenantId}/${mediaId}/original`;
  await storage.put(storageKey, file, declared.contentType);
  await db.withTenant({ tenantId: owner.tenantId }, (tx) =>
    tx.insert(mediaAssets).values({
      tenantId: owner.tenantId,
      id: mediaId,
      ownerId: owner.userId,
      kind: declared.kind,
      filename: `file.${declared.contentType.split('/')[1]}`,
      declaredContentType: declared.contentType,
      contentType: declared.contentType,
      sizeBytes: file.length,
      status: 'processing',
      storageKey,
      finalizedAt: new Date(),
    }),
  );
  const envelope: EventEnvelope = {
    id: newId(),
    tenantId: owner.tenantId,
    type: 'media.uploaded',
    payload: { mediaId, ownerId: owner.userId, kind: declared.kind },
    occurredAt: new Date().toISOString(),
    requestId: `req-${mediaId.slice(-8)}`,
  };
  return { mediaId, storageKey, envelope };
}

/** A clip from ffmpeg's test source (and a tone), as an MP4 whose index sits at the end. */
export async function makeVideo(options: { seconds: number; width: number; height: number; audio?: boolean }): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'media-fixture-'));
  try {
    const out = join(dir, 'clip.mp4');
    const audio = options.audio === false ? [] : ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${options.seconds}`];
    await runProcess(
      'ffmpeg',
      ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=duration=${options.seconds}:size=${options.width}x${options.height}:rate=25`, ...audio,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...(options.audio === false ? [] : ['-c:a', 'aac']), '-shortest', out],
      { timeoutMs: 120_000 },
    );
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid side x side black PNG, 1 bit per pixel: ~100 KB on disk that would
 * decode to side² pixels (900 million at 30,000), a decompression bomb.
 */
export function pngBomb(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const raw = Buffer.alloc((1 + Math.ceil(side / 8)) * side);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

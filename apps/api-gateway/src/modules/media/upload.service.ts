import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { tenantMediaBytes } from '@coachline/db/media';
import { emit } from '@coachline/db/outbox';
import type { FinalizeBody, UploadIntentBody } from '@coachline/domain/api/media';
import { ConflictError, GoneError, NotFoundError, PayloadTooLargeError, QuotaExceededError, ValidationError } from '@coachline/domain/errors';
import { NoSuchObjectError, NoSuchUploadError, type Storage } from '@coachline/runtime/storage';
import type { Actor } from '@coachline/domain/actor';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import { findAsset, insertPendingAsset, lockTenantQuota, updatePendingAsset, type MediaAssetRow } from './media.repository';
import { matchesDeclaredType, SNIFF_BYTES } from './media-type';

export interface UploadLimits {
  maxFileBytes: number;
  defaultQuotaBytes: number;
  partSizeBytes: number;
  uploadUrlTtlSeconds: number;
}

/** S3 allows at most 10,000 parts per upload. */
const MAX_PARTS = 10_000;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Direct-to-storage uploads: reserve quota, hand out presigned part URLs, check what arrived. */
export class UploadService {
  constructor(
    private readonly db: Database,
    private readonly storage: Storage,
    private readonly limits: UploadLimits,
  ) {}

  async createIntent(actor: Actor, body: UploadIntentBody) {
    if (body.sizeBytes > this.limits.maxFileBytes) {
      throw new PayloadTooLargeError(`Files may be at most ${mib(this.limits.maxFileBytes)}; this one is ${mib(body.sizeBytes)}.`);
    }
    const partSize = Math.max(this.limits.partSizeBytes, Math.ceil(body.sizeBytes / MAX_PARTS));
    const id = newId();
    const storageKey = `${actor.tenantId}/${id}/original`;
    // Created before the quota lock is taken, so the lock is held only for the reservation itself.
    const uploadId = await this.storage.createMultipartUpload(storageKey, body.contentType);
    try {
      await this.db.withTenant(actor, async (tx) => {
        const quota = (await lockTenantQuota(tx)) ?? this.limits.defaultQuotaBytes;
        const used = await tenantMediaBytes(tx);
        if (used + body.sizeBytes > quota) {
          throw new QuotaExceededError(`This upload needs ${mib(body.sizeBytes)}, but only ${mib(Math.max(0, quota - used))} of the organization's ${mib(quota)} storage is left.`);
        }
        await insertPendingAsset(tx, {
          id,
          ownerId: actor.userId,
          kind: body.kind,
          filename: body.filename,
          declaredContentType: body.contentType,
          sizeBytes: body.sizeBytes,
          storageKey,
          uploadId,
          partSize,
        });
        await recordAudit(tx, {
          actorId: actor.userId,
          action: 'media.upload_started',
          entityType: 'media',
          entityId: id,
          summary: { kind: body.kind, contentType: body.contentType, sizeBytes: body.sizeBytes },
        });
      });
    } catch (error) {
      await this.storage.abortMultipartUpload(storageKey, uploadId).catch(() => undefined);
      throw error;
    }
    const partCount = Math.ceil(body.sizeBytes / partSize);
    const { parts, expiresAt } = await this.presignParts(storageKey, uploadId, range(1, partCount));
    return { mediaId: id, uploadId, partSize, parts, expiresAt };
  }

  /** What the store already holds, and fresh URLs for the parts still missing. */
  async listParts(actor: Actor, id: string) {
    const asset = await this.ownPendingAsset(actor, id);
    let uploaded;
    try {
      uploaded = await this.storage.listParts(asset.storageKey, asset.uploadId!);
    } catch (error) {
      if (error instanceof NoSuchUploadError) throw new GoneError('This upload was aborted or has expired; start a new one.');
      throw error;
    }
    const have = new Set(uploaded.map((p) => p.partNumber));
    const missing = range(1, partCountOf(asset)).filter((n) => !have.has(n));
    const { parts, expiresAt } = await this.presignParts(asset.storageKey, asset.uploadId!, missing);
    return { uploaded, parts, expiresAt };
  }

  /**
   * Completes the multipart upload and checks the object itself. A file whose
   * size or leading bytes contradict the declaration is deleted and its asset
   * marked failed; otherwise `media.uploaded` goes out with the status change.
   */
  async finalize(actor: Actor, id: string, input: LazyInput<FinalizeBody>) {
    const asset = await this.db.withTenant(actor, (tx) => findAsset(tx, id));
    if (!asset || asset.ownerId !== actor.userId) throw new NotFoundError('No such media.');
    const body = input();
    // A retried finalize (the first answer was lost) gets the same answer.
    if (asset.status === 'processing' || asset.status === 'ready') return { id, status: asset.status };
    if (asset.status === 'failed') throw new ConflictError(`This upload failed: ${asset.failureReason ?? 'unknown reason'}.`);

    const parts = [...body.parts].sort((a, b) => a.partNumber - b.partNumber);
    const expected = partCountOf(asset);
    const numbersOk = parts.length === expected && parts.every((p, i) => p.partNumber === i + 1);
    if (!numbersOk) {
      throw new ValidationError(`Send every part exactly once: parts 1 to ${expected}.`, [{ path: 'parts', message: `expected part numbers 1..${expected}` }]);
    }
    await this.complete(asset, parts);

    const failure = await this.inspect(asset);
    const updated = await this.db.withTenant(actor, async (tx) => {
      const row = await updatePendingAsset(
        tx,
        id,
        failure
          ? { status: 'failed', failureReason: failure, uploadId: null, finalizedAt: new Date() }
          : { status: 'processing', contentType: asset.declaredContentType, uploadId: null, finalizedAt: new Date() },
      );
      if (!row) return undefined;
      await recordAudit(tx, {
        actorId: actor.userId,
        action: failure ? 'media.upload_rejected' : 'media.upload_finalized',
        entityType: 'media',
        entityId: id,
        summary: failure ? { reason: failure } : { sizeBytes: asset.sizeBytes },
      });
      if (!failure) {
        await emit(tx, 'media.uploaded', {
          mediaId: id,
          ownerId: actor.userId,
          kind: asset.kind,
        });
      }
      return row;
    });
    if (!updated) {
      // A concurrent finalize got there first; answer what it decided.
      const current = await this.db.withTenant(actor, (tx) => findAsset(tx, id));
      if (current?.status === 'failed') throw new ConflictError(`This upload failed: ${current.failureReason ?? 'unknown reason'}.`);
      return { id, status: current?.status ?? 'processing' };
    }
    if (failure) {
      // The asset is already failed and counts for nothing; a delete that fails only leaves bytes for a bucket lifecycle rule.
      await this.storage.delete(asset.storageKey).catch(() => undefined);
      throw new ValidationError(`The uploaded file was rejected: ${failure}.`, [{ path: 'parts', message: failure }]);
    }
    return { id, status: 'processing' as const };
  }

  private async complete(asset: MediaAssetRow, parts: { partNumber: number; etag: string }[]) {
    let stored;
    try {
      stored = await this.storage.listParts(asset.storageKey, asset.uploadId!);
    } catch (error) {
      if (!(error instanceof NoSuchUploadError)) throw error;
      // Completed by a concurrent finalize, or aborted: the object tells which.
      if (await this.storage.head(asset.storageKey).then(() => true, () => false)) return;
      throw new GoneError('This upload was aborted or has expired; start a new one.');
    }
    // Checked here rather than left to the store, so every S3 implementation answers the same clear 422.
    const unquote = (etag: string) => etag.replace(/"/g, '');
    const etags = new Map(stored.map((p) => [p.partNumber, unquote(p.etag)]));
    const wrong = parts.filter((p) => etags.get(p.partNumber) !== unquote(p.etag));
    if (wrong.length) {
      throw new ValidationError(
        'Some parts are missing from the store or their ETags differ; GET /v1/media/:id/parts shows what arrived.',
        wrong.map((p) => ({ path: `parts.${p.partNumber}`, message: etags.has(p.partNumber) ? 'ETag does not match the stored part' : 'not uploaded yet' })),
      );
    }
    try {
      await this.storage.completeMultipartUpload(asset.storageKey, asset.uploadId!, parts);
    } catch (error) {
      if (error instanceof NoSuchUploadError && (await this.storage.head(asset.storageKey).then(() => true, () => false))) return;
      if (error instanceof NoSuchUploadError) throw new GoneError('This upload was aborted or has expired; start a new one.');
      const name = (error as { name?: string }).name;
      if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
        throw new ValidationError('The parts do not match what was uploaded.', [{ path: 'parts', message: name }]);
      }
      throw error;
    }
  }

  /** Why the stored object contradicts its declaration, or undefined when it does not. */
  private async inspect(asset: MediaAssetRow): Promise<string | undefined> {
    let size: number;
    let head: Buffer;
    try {
      size = (await this.storage.head(asset.storageKey)).sizeBytes;
      head = await this.storage.readStart(asset.storageKey, SNIFF_BYTES);
    } catch (error) {
      if (error instanceof NoSuchObjectError) throw new GoneError('The uploaded file is gone; start a new upload.');
      throw error;
    }
    if (size !== asset.sizeBytes) return `its size is ${size} bytes, but ${asset.sizeBytes} were declared`;
    if (!matchesDeclaredType(head, asset.declaredContentType)) return `its content is not ${asset.declaredContentType} as declared`;
    return undefined;
  }

  private async ownPendingAsset(actor: Actor, id: string) {
    const asset = await this.db.withTenant(actor, (tx) => findAsset(tx, id));
    if (!asset || asset.ownerId !== actor.userId) throw new NotFoundError('No such media.');
    if (asset.status !== 'pending' || !asset.uploadId) throw new ConflictError(`This upload is already ${asset.status}.`);
    return asset;
  }

  private async presignParts(key: string, uploadId: string, partNumbers: number[]) {
    const ttl = this.limits.uploadUrlTtlSeconds;
    const expiresAt = new Date(Date.now() + ttl * 1000).toISOString();
    const parts = await Promise.all(partNumbers.map(async (partNumber) => ({ partNumber, url: await this.storage.presignPart(key, uploadId, partNumber, ttl) })));
    return { parts, expiresAt };
  }
}

function partCountOf(asset: MediaAssetRow): number {
  return Math.max(1, Math.ceil(asset.sizeBytes / (asset.partSize ?? asset.sizeBytes)));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, TenantTx } from '@coachline/db/database';
import { emit } from '@coachline/db/outbox';
import { processOnce, wasProcessed } from '@coachline/db/processed-events';
import type { TenantScope } from '@coachline/domain/actor';
import type { MediaVariant } from '@coachline/db/schema/index';
import type { Logger } from '@coachline/runtime/logger';
import type { Storage } from '@coachline/runtime/storage';
import type { ImagePool } from './image.pool';
import type { RenderedMedia } from './image.variants';
import { InvalidMediaError } from './media.errors';
import { completeAsset, findAsset, type MediaAssetRow } from './media.repository';
import { renderVideoVariants, type VideoTools } from './video.variants';

export interface ProcessingLimits {
  imageTimeoutMs: number;
  maxInputPixels: number;
  tmpDir?: string;
}

export interface MediaTask {
  /** The tenant, and the request and trace behind the upload, which `media.ready` carries on. */
  scope: TenantScope;
  mediaId: string;
  reason: 'upload' | 'reprocess';
  /** The `media.uploaded` event behind an upload task: the idempotency key. */
  eventId?: string;
}

export type Outcome = 'ready' | 'failed' | 'skipped';

/** The consumer name recorded in processed_events: the queue's name, which the relay's reconciler checks. */
export const CONSUMER = 'media';

/** Runs `fn` once per upload event, recorded in `tx` with its effect; a re-processing task has no event and always runs. */
async function oncePerEvent(tx: TenantTx, task: MediaTask, fn: () => Promise<Outcome>): Promise<Outcome> {
  if (!task.eventId) return fn();
  const outcome = await processOnce(tx, task.eventId, CONSUMER, fn);
  return outcome.done ? outcome.value : 'skipped';
}

const EXTENSION: Record<string, string> = { 'image/webp': 'webp', 'image/jpeg': 'jpg', 'video/mp4': 'mp4' };

/**
 * Turns an uploaded original into its variants. Idempotent: a delivery of an
 * event already handled, or of an asset no longer processing, does nothing;
 * variant keys are fixed per asset and the variant list is replaced, never
 * appended, so a retry after a crash overwrites rather than adds storage.
 */
export class MediaProcessor {
  constructor(
    private readonly deps: { db: Database; storage: Storage; logger: Logger; images: ImagePool; video: VideoTools; limits: ProcessingLimits },
  ) {}

  async process(task: MediaTask): Promise<Outcome> {
    const { db } = this.deps;
    // Checked before the costly work, outside any transaction; recorded with the result.
    const asset = await db.withTenant(task.scope, async (tx) => {
      if (task.eventId && (await wasProcessed(tx, task.eventId, CONSUMER))) return undefined;
      return findAsset(tx, task.mediaId);
    });
    if (!asset) return 'skipped';
    const wanted = task.reason === 'upload' ? ['processing'] : ['processing', 'ready'];
    if (!wanted.includes(asset.status)) return 'skipped';

    const workDir = await mkdtemp(join(this.deps.limits.tmpDir ?? tmpdir(), `media-${asset.id}-`));
    try {
      const original = join(workDir, 'original');
      await this.deps.storage.download(asset.storageKey, original);
      let rendered: RenderedMedia;
      try {
        rendered = await this.render(asset, original, workDir);
      } catch (error) {
        if (!(error instanceof InvalidMediaError)) throw error;
        return await this.fail(task, asset, error.message);
      }
      const variants = await this.store(asset, rendered);
      return await this.succeed(task, asset, variants, rendered.metadata);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private render(asset: MediaAssetRow, original: string, workDir: string): Promise<RenderedMedia> {
    const { limits, images, video } = this.deps;
    switch (asset.kind) {
      case 'image':
        return images.render(original, workDir, limits.maxInputPixels, limits.imageTimeoutMs);
      case 'video':
        return renderVideoVariants(video, original, workDir);
      case 'document':
        // Documents are served as uploaded; finalize already checked their type.
        return Promise.resolve({ variants: [], metadata: {} });
    }
  }

  private async store(asset: MediaAssetRow, rendered: RenderedMedia): Promise<MediaVariant[]> {
    // The variants upload side by side: each is a round trip to the store, and nothing orders them.
    const variants: MediaVariant[] = await Promise.all(
      rendered.variants.map(async (v) => {
        const key = `${asset.tenantId}/${asset.id}/${v.name}.${EXTENSION[v.contentType] ?? 'bin'}`;
        const sizeBytes = await this.deps.storage.upload(v.path, key, v.contentType);
        return { name: v.name, key, contentType: v.contentType, sizeBytes, width: v.width, height: v.height };
      }),
    );
    if (asset.kind === 'document') {
      const { sizeBytes } = await this.deps.storage.head(asset.storageKey);
      variants.push({ name: 'original', key: asset.storageKey, contentType: asset.contentType ?? asset.declaredContentType, sizeBytes });
    }
    return variants;
  }

  private async succeed(task: MediaTask, asset: MediaAssetRow, variants: MediaVariant[], metadata: Record<string, unknown>): Promise<Outcome> {
    return this.deps.db.withTenant(task.scope, (tx) =>
      oncePerEvent(tx, task, async () => {
        const row = await completeAsset(tx, asset.id, { status: 'ready', variants, metadata });
        if (!row) return 'skipped';
        if (task.reason === 'upload') await emit(tx, 'media.ready', { mediaId: asset.id, ownerId: asset.ownerId });
        return 'ready';
      }),
    );
  }

  /** A failed asset holds no storage: its original and any variants are deleted. */
  private async fail(task: MediaTask, asset: MediaAssetRow, reason: string): Promise<Outcome> {
    this.deps.logger.warn('media failed', { tenantId: task.scope.tenantId, mediaId: asset.id, kind: asset.kind, reason });
    const outcome = await this.deps.db.withTenant(task.scope, (tx) =>
      oncePerEvent(tx, task, async () => ((await completeAsset(tx, asset.id, { status: 'failed', variants: [], failureReason: reason })) ? 'failed' : 'skipped')),
    );
    if (outcome === 'failed') {
      const keys = [asset.storageKey, ...asset.variants.map((v) => v.key)];
      await Promise.all(keys.map((key) => this.deps.storage.delete(key).catch(() => undefined)));
    }
    return outcome;
  }
}

import type { Database } from '@coachline/db/database';
import type { MediaVariant } from '@coachline/db/schema/index';
import type { VariantName } from '@coachline/domain/api/media';
import { ConflictError, NotFoundError, ValidationError } from '@coachline/domain/errors';
import type { Storage } from '@coachline/runtime/storage';
import type { Actor } from '@coachline/domain/actor';
import { findAsset, isSharedWith, type MediaAssetRow } from './media.repository';

/** What playback answers when no variant is asked for. */
const DEFAULT_VARIANT: Record<MediaAssetRow['kind'], VariantName> = { image: 'medium', video: '720p', document: 'original' };

/** Reading media: its state, and short-lived URLs to its variants for those who may see it. */
export class MediaService {
  constructor(
    private readonly db: Database,
    private readonly storage: Storage,
    private readonly playbackUrlTtlSeconds: number,
  ) {}

  async get(actor: Actor, id: string) {
    const asset = await this.visibleAsset(actor, id);
    return {
      id: asset.id,
      kind: asset.kind,
      status: asset.status,
      filename: asset.filename,
      contentType: asset.contentType ?? asset.declaredContentType,
      sizeBytes: asset.sizeBytes,
      ownerId: asset.ownerId,
      variants: asset.variants.map(publicVariant),
      metadata: asset.metadata,
      failureReason: asset.failureReason,
      createdAt: asset.createdAt.toISOString(),
    };
  }

  async playbackUrl(actor: Actor, id: string, requested: VariantName | undefined) {
    const asset = await this.visibleAsset(actor, id);
    if (asset.status !== 'ready') throw new ConflictError(`This media is ${asset.status}, not ready yet.`);
    const name = requested ?? DEFAULT_VARIANT[asset.kind];
    const variant = asset.variants.find((v) => v.name === name);
    if (!variant) {
      const available = asset.variants.map((v) => v.name).join(', ');
      throw new ValidationError(`This media has no "${name}" variant.`, [{ path: 'query.variant', message: `one of: ${available}` }]);
    }
    const ttl = this.playbackUrlTtlSeconds;
    const url = await this.storage.presignGet(variant.key, ttl, { contentType: variant.contentType });
    return { url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString(), variant: variant.name as VariantName };
  }

  /**
   * The uploader, the tenant's coaches and admins, and whoever the media is
   * shown to see it; everyone else (and every other tenant) gets 404.
   */
  private async visibleAsset(actor: Actor, id: string): Promise<MediaAssetRow> {
    const asset = await this.db.withTenant(actor, async (tx) => {
      const row = await findAsset(tx, id);
      if (!row) return undefined;
      if (row.ownerId === actor.userId || actor.permissions.includes('media:read:any')) return row;
      return (await isSharedWith(tx, id, actor.userId)) ? row : undefined;
    });
    if (!asset) throw new NotFoundError('No such media.');
    return asset;
  }
}

function publicVariant(v: MediaVariant) {
  return { name: v.name as VariantName, contentType: v.contentType, width: v.width, height: v.height, sizeBytes: v.sizeBytes };
}

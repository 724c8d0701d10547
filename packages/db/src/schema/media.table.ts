import { bigint, index, jsonb, text, uuid } from 'drizzle-orm/pg-core';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';

export interface MediaVariant {
  name: string;
  key: string;
  contentType: string;
  sizeBytes: number;
  width?: number;
  height?: number;
}

export const mediaAssets = tenantTable(
  'media_assets',
  {
    ownerId: uuid('owner_id').notNull(),
    kind: text('kind', { enum: ['image', 'video', 'document'] }).notNull(),
    filename: text('filename').notNull(),
    declaredContentType: text('declared_content_type').notNull(),
    contentType: text('content_type'),
    /** Bytes reserved against the quota while pending; the real size once finalized. */
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    status: text('status', { enum: ['pending', 'processing', 'ready', 'failed'] }).notNull(),
    storageKey: text('storage_key').notNull(),
    uploadId: text('upload_id'),
    partSize: bigint('part_size', { mode: 'number' }),
    failureReason: text('failure_reason'),
    variants: jsonb('variants').$type<MediaVariant[]>().notNull().default([]),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    finalizedAt: ts('finalized_at'),
    readyAt: ts('ready_at'),
  },
  (t) => [membershipRef(t, t.ownerId, 'media_assets_owner_fk'), index('media_assets_status_idx').on(t.tenantId, t.status, t.createdAt)],
);

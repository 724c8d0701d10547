import type { RequestHandler } from 'express';
import { idParams } from '@coachline/domain/api/common';
import {
  finalizeBody,
  finalizeSchema,
  mediaSchema,
  playbackQuery,
  playbackSchema,
  uploadIntentBody,
  uploadIntentSchema,
  uploadPartsSchema,
} from '@coachline/domain/api/media';
import { route, type AnyRoute } from '../../http/route';
import type { MediaService } from './media.service';
import type { UploadService } from './upload.service';

export function mediaRoutes(uploads: UploadService, media: MediaService, limit: { uploadsPerUser: RequestHandler }): AnyRoute[] {
  const tags = ['Media'];
  return [
    route({
      method: 'post',
      path: '/v1/media/upload-intent',
      summary: 'Reserve quota and get presigned URLs to upload a file in parts, straight to storage',
      tags,
      access: 'media:write',
      body: uploadIntentBody,
      middleware: [limit.uploadsPerUser],
      responses: {
        201: { description: 'Upload started', schema: uploadIntentSchema },
        403: { description: 'QUOTA_EXCEEDED: over the organization storage quota' },
        413: { description: 'Over the per-file size limit' },
        422: { description: 'Invalid, or content type not allowed for the kind' },
      },
      handler: async ({ actor, body }) => ({ status: 201, body: await uploads.createIntent(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/media/:id/parts',
      summary: 'Parts already stored, and fresh URLs for the rest, to resume an upload',
      tags,
      access: 'media:write',
      params: idParams,
      middleware: [limit.uploadsPerUser],
      responses: { 200: { description: 'Upload state', schema: uploadPartsSchema }, 409: { description: 'Not pending any more' }, 410: { description: 'Upload aborted' } },
      handler: async ({ actor, params }) => ({ status: 200, body: await uploads.listParts(actor, params.id) }),
    }),
    route({
      method: 'post',
      path: '/v1/media/:id/finalize',
      summary: "Complete the upload; the file's real size and type are checked, then it is processed",
      tags,
      access: 'media:write',
      params: idParams,
      body: finalizeBody,
      deferInput: true,
      middleware: [limit.uploadsPerUser],
      responses: {
        202: { description: 'Accepted for processing', schema: finalizeSchema },
        409: { description: 'The upload already failed' },
        410: { description: 'Upload aborted' },
        422: { description: 'Parts missing, or the file contradicts its declared size or type (the asset is then failed)' },
      },
      handler: async ({ actor, params, body }) => ({ status: 202, body: await uploads.finalize(actor, params.id, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/media/:id',
      summary: 'A media asset: status, size and variants',
      tags,
      access: 'media:read',
      params: idParams,
      responses: { 200: { description: 'Media', schema: mediaSchema } },
      handler: async ({ actor, params }) => ({ status: 200, body: await media.get(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/v1/media/:id/playback-url',
      summary: 'A presigned, expiring URL to a variant of ready media',
      tags,
      access: 'media:read',
      params: idParams,
      query: playbackQuery,
      responses: { 200: { description: 'Playback URL', schema: playbackSchema }, 409: { description: 'Not ready yet' }, 422: { description: 'No such variant' } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await media.playbackUrl(actor, params.id, query.variant) }),
    }),
  ];
}

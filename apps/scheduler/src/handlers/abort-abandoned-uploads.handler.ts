import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { failPendingUpload, findAbandonedUploads } from '@coachline/db/media';
import type { Logger } from '@coachline/runtime/logger';
import type { Storage } from '@coachline/runtime/storage';

export interface AbortAbandonedUploadsDeps {
  db: Database;
  storage: Storage;
  logger: Logger;
  /** Uploads still pending this long after their intent are abandoned (default one day). */
  abandonAfterSeconds: number;
  /** Uploads handled per run; the next run takes the rest. */
  batchSize?: number;
}

/**
 * maintenance queue, job `abort-abandoned-uploads`: aborts multipart uploads
 * that were never finalized, so the store drops their parts, and marks their
 * assets failed, which releases the quota they reserved.
 */
export function createAbortAbandonedUploads(deps: AbortAbandonedUploadsDeps) {
  return async function abortAbandonedUploads(now: Date = new Date()): Promise<{ aborted: number }> {
    const before = new Date(now.getTime() - deps.abandonAfterSeconds * 1000);
    // A sweep over every tenant's uploads: the system role, then each tenant's own context to change them.
    const abandoned = await deps.db.withSystem((tx) => findAbandonedUploads(tx, before, deps.batchSize ?? 500));
    let aborted = 0;
    for (const upload of abandoned) {
      if (upload.uploadId) await deps.storage.abortMultipartUpload(upload.storageKey, upload.uploadId);
      const reason = `the upload was not finalized within ${Math.round(deps.abandonAfterSeconds / 3600)} h and was abandoned`;
      const released = await deps.db.withTenant({ tenantId: upload.tenantId }, async (tx) => {
        if (!(await failPendingUpload(tx, upload.id, reason))) return false;
        await recordAudit(tx, { actorId: null, action: 'media.upload_abandoned', entityType: 'media', entityId: upload.id });
        return true;
      });
      if (released) {
        // Nothing should be there, but a completion that raced the sweep must not leave bytes behind.
        await deps.storage.delete(upload.storageKey);
        aborted += 1;
      }
    }
    if (aborted) deps.logger.info('aborted abandoned uploads', { aborted });
    return { aborted };
  };
}

import type { Tx } from './database';
import { newId } from './ids';
import { auditEvents } from './schema/index';

export interface AuditEntry {
  tenantId: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  requestId?: string | null;
  /** What changed, without secrets: never passwords, tokens or hashes. */
  summary?: Record<string, unknown>;
}

/** Writes the audit row in the caller's transaction, so it exists exactly when the change does. */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditEvents).values({
    tenantId: entry.tenantId,
    id: newId(),
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    requestId: entry.requestId ?? null,
    summary: entry.summary ?? {},
  });
}

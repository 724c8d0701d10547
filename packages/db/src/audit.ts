import { deferWrite, type Tx } from './database';
import { newId } from './ids';

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

/**
 * Writes the audit row in the caller's transaction, so it exists exactly when
 * the change does; deferred to travel with the next statement or the COMMIT.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  deferWrite(
    tx,
    { name: 'coachline_audit_insert', text: 'INSERT INTO audit_events (tenant_id, id, actor_id, action, entity_type, entity_id, request_id, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)' },
    [entry.tenantId, newId(), entry.actorId, entry.action, entry.entityType, entry.entityId, entry.requestId ?? null, JSON.stringify(entry.summary ?? {})],
  );
}

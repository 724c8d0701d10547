import { deferWrite, type TenantTx } from './database';
import { newId } from './ids';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  /** What changed, without secrets: never passwords, tokens or hashes. */
  summary?: Record<string, unknown>;
}

/**
 * Writes the audit row in the caller's transaction, so it exists exactly when
 * the change does; deferred to travel with the next statement or the COMMIT.
 * Tenant and request id come from the transaction's scope.
 */
export async function recordAudit(tx: TenantTx, entry: AuditEntry): Promise<void> {
  deferWrite(
    tx,
    { name: 'coachline_audit_insert', text: 'INSERT INTO audit_events (tenant_id, id, actor_id, action, entity_type, entity_id, request_id, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)' },
    [tx.scope.tenantId, newId(), entry.actorId, entry.action, entry.entityType, entry.entityId, tx.scope.requestId ?? null, JSON.stringify(entry.summary ?? {})],
  );
}

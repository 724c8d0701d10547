import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '@coachline/db/database';
import { auditEvents } from '@coachline/db/schema/index';
import type { PageQuery } from '@coachline/domain/api/common';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';

export class AuditService {
  constructor(private readonly db: Database) {}

  /** Newest first. */
  async list(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.readAsTenant(actor, (tx) =>
      tx
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tx.scope.tenantId), cursor ? lt(auditEvents.id, cursor.id) : undefined))
        .orderBy(desc(auditEvents.id))
        .limit(query.limit + 1),
    );
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return {
      items: result.items.map((e) => ({ id: e.id, actorId: e.actorId, action: e.action, entityType: e.entityType, entityId: e.entityId, at: e.at.toISOString(), requestId: e.requestId, summary: e.summary })),
      nextCursor: result.nextCursor,
    };
  }
}

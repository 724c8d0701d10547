import type { Database } from '@coachline/db/database';
import type { PageQuery } from '@coachline/domain/api/common';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import { listMembers } from './identity.repository';

export class MemberService {
  constructor(private readonly db: Database) {}

  async list(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.readAsTenant(actor, (tx) => listMembers(tx, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(({ userId, name, email, role }) => ({ userId, name, email, role })), nextCursor: result.nextCursor };
  }
}

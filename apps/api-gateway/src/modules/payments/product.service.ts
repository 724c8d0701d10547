import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { decodeCursor, page } from '@coachline/db/pagination';
import { findProduct, type ProductRow } from '@coachline/db/payments';
import type { Actor } from '@coachline/domain/actor';
import type { CreateProductBody, listProductsQuery, updateProductBody } from '@coachline/domain/api/payments';
import { NotFoundError, ValidationError } from '@coachline/domain/errors';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import type { z } from 'zod';
import * as repo from './product.repository';

export function productView(row: ProductRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    priceCents: row.priceCents,
    currency: row.currency,
    active: row.active,
    programId: row.programId,
    sessionCredits: row.sessionCredits,
    interval: row.interval,
    programIds: row.programIds,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Staff see every product; athletes only what is on sale. */
export const seesInactive = (actor: Actor) => actor.permissions.includes('product:write');

export class ProductService {
  constructor(private readonly db: Database) {}

  async create(actor: Actor, body: CreateProductBody) {
    return this.db.withTenant(actor, async (tx) => {
      const programIds = body.kind === 'program' ? [body.programId!] : (body.programIds ?? []);
      const known = await repo.existingPrograms(tx, programIds);
      const unknown = programIds.map((id, i) => ({ id, i })).filter(({ id }) => !known.has(id));
      if (unknown.length > 0) {
        throw new ValidationError('No such program.', unknown.map(({ i }) => ({ path: body.kind === 'program' ? 'programId' : `programIds.${i}`, message: 'not a program of this organization' })));
      }
      const row = await repo.insertProduct(tx, {
        id: newId(),
        name: body.name,
        description: body.description ?? null,
        kind: body.kind,
        priceCents: body.priceCents,
        currency: body.currency,
        programId: body.programId ?? null,
        sessionCredits: body.sessionCredits ?? null,
        interval: body.interval ?? null,
        programIds: body.kind === 'subscription' ? [...new Set(programIds)] : [],
        createdBy: actor.userId,
      });
      await recordAudit(tx, { actorId: actor.userId, action: 'product.created', entityType: 'product', entityId: row.id, summary: { kind: row.kind, priceCents: row.priceCents, currency: row.currency } });
      return productView(row);
    });
  }

  async list(actor: Actor, query: z.output<typeof listProductsQuery>) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => repo.listProducts(tx, { activeOnly: !seesInactive(actor), kind: query.kind }, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(productView), nextCursor: result.nextCursor };
  }

  async get(actor: Actor, id: string) {
    const row = await this.db.withTenant(actor, (tx) => findProduct(tx, id));
    if (!row || (!row.active && !seesInactive(actor))) throw new NotFoundError('No such product.');
    return productView(row);
  }

  async update(actor: Actor, id: string, input: LazyInput<z.output<typeof updateProductBody>>) {
    return this.db.withTenant(actor, async (tx) => {
      if (!(await findProduct(tx, id))) throw new NotFoundError('No such product.');
      const body = input();
      const row = await repo.updateProduct(tx, id, body);
      await recordAudit(tx, { actorId: actor.userId, action: 'product.updated', entityType: 'product', entityId: id, summary: { fields: Object.keys(body) } });
      return productView(row);
    });
  }
}

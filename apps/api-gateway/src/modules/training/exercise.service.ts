import type { Database } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import type { z } from 'zod';
import type { exerciseBody, exerciseQuery } from '@coachline/domain/api/training';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import { insertExercise, listExercises, type ExerciseRow } from './training.repository';

export const toExercise = (row: ExerciseRow) => ({
  id: row.id,
  name: row.name,
  category: row.category,
  primaryMuscle: row.primaryMuscle,
  equipment: row.equipment,
  custom: row.createdBy !== null,
});

export class ExerciseService {
  constructor(private readonly db: Database) {}

  async list(actor: Actor, query: z.output<typeof exerciseQuery>) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => listExercises(tx, { q: query.q || undefined, category: query.category }, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map(toExercise), nextCursor: result.nextCursor };
  }

  async create(actor: Actor, body: z.output<typeof exerciseBody>) {
    const row = await this.db.withTenant(actor, async (tx) => {
      const inserted = await insertExercise(tx, { id: newId(), ...body, equipment: body.equipment ?? null, createdBy: actor.userId });
      await recordAudit(tx, { actorId: actor.userId, action: 'exercise.created', entityType: 'exercise', entityId: inserted.id, summary: { name: inserted.name } });
      return inserted;
    });
    return toExercise(row);
  }
}

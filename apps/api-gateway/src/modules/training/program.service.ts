import type { Database, TenantTx } from '@coachline/db/database';
import { recordAudit } from '@coachline/db/audit';
import { newId } from '@coachline/db/ids';
import { emit } from '@coachline/db/outbox';
import { dayRows, programRows } from '@coachline/db/programs';
import type { Progression } from '@coachline/domain/program-generation/progression';
import type { z } from 'zod';
import type { PageQuery } from '@coachline/domain/api/common';
import type { assignmentBody, programBody, programUpdateBody } from '@coachline/domain/api/training';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '@coachline/domain/errors';
import { decodeCursor, page } from '@coachline/db/pagination';
import type { Actor } from '@coachline/domain/actor';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import {
  existingExerciseIds,
  findMemberRole,
  findProgram,
  insertAssignment,
  deleteProgram,
  insertProgram,
  isAssigned,
  listAssignments,
  listPrograms,
  productsSelling,
  programContents,
  replaceProgramDays,
  updateProgram,
  type ProgramDayRow,
  type ProgramAssignmentRow,
  type ProgramPlannedSetRow,
  type ProgramRow,
} from './training.repository';

/** From stored rows or from those just written, which carry no tenant: the view never shows it. */
export function toProgram(program: ProgramRow, days: Omit<ProgramDayRow, 'tenantId'>[], sets: Omit<ProgramPlannedSetRow, 'tenantId'>[]) {
  // One pass over the sets, not one per day: the largest program has thousands.
  const setsByDay = new Map<string, Omit<ProgramPlannedSetRow, 'tenantId'>[]>();
  for (const set of sets) {
    const ofDay = setsByDay.get(set.dayId);
    if (ofDay) ofDay.push(set);
    else setsByDay.set(set.dayId, [set]);
  }
  return {
    id: program.id,
    name: program.name,
    description: program.description,
    createdBy: program.createdBy,
    createdAt: program.createdAt.toISOString(),
    days: days.map((day) => {
      const exercises: { exerciseId: string; progression?: Progression; sets: { id: string; reps: number; weightKg: number | null; rpe: number | null; restSeconds: number | null }[] }[] = [];
      let position = -1;
      for (const set of setsByDay.get(day.id) ?? []) {
        if (set.exercisePosition !== position) {
          position = set.exercisePosition;
          // Programs written without one (most made by hand) show no progression rather than null.
          exercises.push({ exerciseId: set.exerciseId, ...(set.progression ? { progression: set.progression } : {}), sets: [] });
        }
        exercises[exercises.length - 1]!.sets.push({ id: set.id, reps: set.reps, weightKg: set.weightKg, rpe: set.rpe, restSeconds: set.restSeconds });
      }
      return { index: day.position, name: day.name, exercises };
    }),
  };
}

/** Validates that every exerciseId of a body names an exercise of the tenant, listing each bad path. */
export async function assertExercisesExist(tx: TenantTx, refs: { path: string; exerciseId: string }[]) {
  const known = await existingExerciseIds(tx, [...new Set(refs.map((r) => r.exerciseId))]);
  const errors: FieldError[] = refs.filter((r) => !known.has(r.exerciseId)).map((r) => ({ path: r.path, message: 'Unknown exercise' }));
  if (errors.length > 0) throw new ValidationError('Some exercises do not exist.', errors);
}

const toAssignment = (row: ProgramAssignmentRow) => ({
  id: row.id,
  programId: row.programId,
  athleteId: row.athleteId,
  startDate: row.startDate,
  assignedBy: row.assignedBy,
  createdAt: row.createdAt.toISOString(),
});

/** Staff see every program; an athlete only the programs assigned to them. */
const seesEveryProgram = (actor: Actor) => actor.permissions.includes('program:read:any');

type ProgramDaysBody = z.output<typeof programBody>['days'];

const exerciseRefs = (days: ProgramDaysBody) => days.flatMap((day, d) => day.exercises.map((e, i) => ({ path: `days.${d}.exercises.${i}.exerciseId`, exerciseId: e.exerciseId })));

export class ProgramService {
  constructor(private readonly db: Database) {}

  async create(actor: Actor, body: z.output<typeof programBody>) {
    return this.db.withTenant(actor, async (tx) => {
      await assertExercisesExist(tx, exerciseRefs(body.days));
      const { program: row, days, sets } = programRows({ ...body, createdBy: actor.userId });
      const program = await insertProgram(tx, row, days, sets);
      await recordAudit(tx, { actorId: actor.userId, action: 'program.created', entityType: 'program', entityId: row.id, summary: { name: body.name, days: days.length } });
      return toProgram(program, days, sets);
    });
  }

  async update(actor: Actor, programId: string, input: LazyInput<z.output<typeof programUpdateBody>>) {
    return this.db.withTenant(actor, async (tx) => {
      if (!(await findProgram(tx, programId))) throw new NotFoundError('Program not found.');
      const body = input();
      if (body.days) {
        await assertExercisesExist(tx, exerciseRefs(body.days));
        const { days, sets } = dayRows(programId, body.days);
        await replaceProgramDays(tx, programId, days, sets);
      }
      const program = await updateProgram(tx, programId, { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.description !== undefined ? { description: body.description } : {}) });
      await recordAudit(tx, { actorId: actor.userId, action: 'program.updated', entityType: 'program', entityId: programId, summary: { fields: Object.keys(body) } });
      const { days, sets } = await programContents(tx, programId);
      return toProgram(program, days, sets);
    });
  }

  async remove(actor: Actor, programId: string): Promise<void> {
    await this.db.withTenant(actor, async (tx) => {
      const program = await findProgram(tx, programId);
      if (!program) throw new NotFoundError('Program not found.');
      const selling = await productsSelling(tx, programId);
      if (selling.length > 0) throw new ConflictError(`The program is sold by ${selling.length === 1 ? 'a product' : `${selling.length} products`} (${selling.map((p) => p.id).join(', ')}); what was bought must stay, so it cannot be deleted.`);
      await deleteProgram(tx, programId);
      await recordAudit(tx, { actorId: actor.userId, action: 'program.deleted', entityType: 'program', entityId: programId, summary: { name: program.name } });
    });
  }

  async get(actor: Actor, programId: string) {
    return this.db.withTenant(actor, async (tx) => {
      const program = await findProgram(tx, programId);
      if (!program || (!seesEveryProgram(actor) && !(await isAssigned(tx, programId, actor.userId)))) throw new NotFoundError('Program not found.');
      const { days, sets } = await programContents(tx, programId);
      return toProgram(program, days, sets);
    });
  }

  async list(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => listPrograms(tx, query.limit, cursor?.id, seesEveryProgram(actor) ? undefined : actor.userId));
    const result = page(rows, query.limit, (row) => ({ id: row.id }));
    return { items: result.items.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })), nextCursor: result.nextCursor };
  }

  async assign(actor: Actor, programId: string, input: LazyInput<z.output<typeof assignmentBody>>) {
    return this.db.withTenant(actor, async (tx) => {
      if (!(await findProgram(tx, programId))) throw new NotFoundError('Program not found.');
      const body = input();
      const role = await findMemberRole(tx, body.athleteId);
      if (role !== 'ATHLETE') throw new ValidationError('Programs are assigned to athletes of this organization.', [{ path: 'athleteId', message: 'Not an athlete of this organization' }]);
      const row = await insertAssignment(tx, { id: newId(), programId, athleteId: body.athleteId, startDate: body.startDate, assignedBy: actor.userId });
      await recordAudit(tx, { actorId: actor.userId, action: 'program.assigned', entityType: 'program_assignment', entityId: row.id, summary: { programId, athleteId: body.athleteId } });
      await emit(tx, 'program.assigned', { assignmentId: row.id, programId, athleteId: row.athleteId, startDate: row.startDate });
      return toAssignment(row);
    });
  }

  async assignments(actor: Actor, programId: string, query: LazyInput<PageQuery>) {
    const { rows, limit } = await this.db.withTenant(actor, async (tx) => {
      if (!(await findProgram(tx, programId))) throw new NotFoundError('Program not found.');
      const { limit, cursor } = query();
      return { rows: await listAssignments(tx, { programId }, limit, decodeCursor(cursor)?.id), limit };
    });
    const result = page(rows, limit, (row) => ({ id: row.assignment.id }));
    return { items: result.items.map((row) => toAssignment(row.assignment)), nextCursor: result.nextCursor };
  }

  async myAssignments(actor: Actor, query: PageQuery) {
    const cursor = decodeCursor(query.cursor);
    const rows = await this.db.withTenant(actor, (tx) => listAssignments(tx, { athleteId: actor.userId }, query.limit, cursor?.id));
    const result = page(rows, query.limit, (row) => ({ id: row.assignment.id }));
    return {
      items: result.items.map((row) => ({ ...toAssignment(row.assignment), program: { ...row.program, createdAt: row.program.createdAt.toISOString() } })),
      nextCursor: result.nextCursor,
    };
  }
}

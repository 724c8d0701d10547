import { getTableColumns, type Table } from 'drizzle-orm';
import type { Progression } from '@coachline/domain/program-generation/progression';
import type { NewRow, TenantTx } from './database';
import { newId } from './ids';
import { programDays, programPlannedSets, programs } from './schema/index';

/** A program as written: days of exercises of planned sets, as POST /v1/programs takes it and generation makes it. */
export interface ProgramDraft {
  name: string;
  description?: string | null;
  createdBy: string;
  days: {
    name: string;
    exercises: {
      exerciseId: string;
      progression?: Progression;
      sets: { reps: number; weightKg?: number; rpe?: number; restSeconds?: number }[];
    }[];
  }[];
}

/** The day and planned-set rows of a program's days, with fresh ids; an exercise's progression goes on each of its sets. */
export function dayRows(programId: string, draftDays: ProgramDraft['days']) {
  const days = draftDays.map((day, position) => ({ id: newId(), programId, position, name: day.name }));
  const sets = draftDays.flatMap((day, d) =>
    day.exercises.flatMap((exercise, exercisePosition) =>
      exercise.sets.map((set, setPosition) => ({
        id: newId(),
        dayId: days[d]!.id,
        exerciseId: exercise.exerciseId,
        exercisePosition,
        setPosition,
        reps: set.reps,
        weightKg: set.weightKg ?? null,
        rpe: set.rpe ?? null,
        restSeconds: set.restSeconds ?? null,
        progression: exercise.progression ?? null,
      })),
    ),
  );
  return { days, sets };
}

/** The rows of a new program from its draft. */
export function programRows(draft: ProgramDraft) {
  const programId = newId();
  return { program: { id: programId, name: draft.name, description: draft.description ?? null, createdBy: draft.createdBy }, ...dayRows(programId, draft.days) };
}

export async function insertProgram(
  tx: TenantTx,
  program: NewRow<typeof programs>,
  days: NewRow<typeof programDays>[],
  sets: NewRow<typeof programPlannedSets>[],
) {
  const { tenantId } = tx.scope;
  const [row] = await tx.insert(programs).values({ ...program, tenantId }).returning();
  for (const chunk of chunksFor(programDays, days)) await tx.insert(programDays).values(chunk.map((day) => ({ ...day, tenantId })));
  for (const chunk of chunksFor(programPlannedSets, sets)) await tx.insert(programPlannedSets).values(chunk.map((set) => ({ ...set, tenantId })));
  return row!;
}

/** Postgres takes at most 65,535 bind parameters in one statement. */
const MAX_BIND_PARAMETERS = 65_535;

/**
 * Rows in multi-row inserts that each stay under the bind-parameter limit,
 * counting every column of the table as a parameter (the most a row can bind).
 */
export function chunksFor<T>(table: Table, rows: T[]): T[][] {
  const perChunk = Math.floor(MAX_BIND_PARAMETERS / Object.keys(getTableColumns(table)).length);
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += perChunk) chunks.push(rows.slice(start, start + perChunk));
  return chunks;
}

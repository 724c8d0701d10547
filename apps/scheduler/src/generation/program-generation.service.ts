import { eq } from 'drizzle-orm';
import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { findGenerationJob, finishGenerationJob, markGenerationProgress, type GenerationJobRow } from '@coachline/db/generation-jobs';
import { newId } from '@coachline/db/ids';
import { processOnce } from '@coachline/db/processed-events';
import { insertAssignment } from '@coachline/db/program-assignments';
import { insertProgram, programRows } from '@coachline/db/programs';
import { exercises } from '@coachline/db/schema/index';
import type { TenantScope } from '@coachline/domain/actor';
import { generationInputSchema, type GenerationInput } from '@coachline/domain/api/generation';
import { scopeOf, type EventOf } from '@coachline/domain/events';
import { generateProgram, NoFittingExercisesError, type GeneratedProgram, type LibraryExercise } from '@coachline/domain/program-generation/generate-program';
import { rooms } from '@coachline/domain/socket';
import type { LiveEmitter } from '@coachline/runtime/live-emitter';
import type { Logger } from '@coachline/runtime/logger';
import type { ProgramNotesRequest, ProgramNotesWriter } from './program-notes.writer';

/** The consumer's name in processed_events: its queue's, so the relay's reconciler finds its records. */
const CONSUMER = 'generation';

/** Where a job stands after each step; the requester sees these live and in GET /v1/generation-jobs/:id. */
export const GENERATION_STEPS = { started: 10, planned: 50, noted: 80 } as const;

/** Notes are text from outside: no control characters but line breaks and tabs, and a bounded length. */
function cleanNotes(text: string): string | undefined {
  const clean = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '').trim();
  return clean ? clean.slice(0, 4_000) : undefined;
}

/**
 * Runs one program generation: the rules engine over the tenant's exercise
 * library, optional notes from a language model, then an ordinary program
 * written in one transaction with the job's success and the event's record,
 * so a retry after a crash writes no second program. Progress goes to the
 * requester's sockets after each step commits.
 */
export class ProgramGenerationService {
  constructor(
    private readonly db: Database,
    private readonly live: LiveEmitter,
    private readonly logger: Logger,
    private readonly notes?: ProgramNotesWriter,
  ) {}

  async generate(event: EventOf<'program.generation_requested'>): Promise<{ programId?: string; error?: string } | undefined> {
    const scope = scopeOf(event);
    const { generationJobId: jobId, requestedBy } = event.payload;
    const loaded = await this.db.withTenant(scope, async (tx) => {
      const job = await findGenerationJob(tx, jobId);
      if (!job || job.status === 'succeeded' || job.status === 'failed') {
        // Already done by an earlier delivery (or the job is gone with its tenant): only the record is missing, if anything.
        await processOnce(tx, event.id, CONSUMER, async () => undefined);
        return undefined;
      }
      const library: LibraryExercise[] = await tx
        .select({ id: exercises.id, name: exercises.name, category: exercises.category, primaryMuscle: exercises.primaryMuscle, equipment: exercises.equipment })
        .from(exercises)
        .where(eq(exercises.tenantId, scope.tenantId));
      return { job, library };
    });
    if (!loaded) return undefined;
    const { job, library } = loaded;
    await this.progress(scope, requestedBy, jobId, GENERATION_STEPS.started);

    const input = generationInputSchema.parse(job.input);
    let program: GeneratedProgram;
    try {
      program = generateProgram(input, library);
    } catch (error) {
      if (!(error instanceof NoFittingExercisesError)) throw error;
      await this.db.withTenant(scope, (tx) => processOnce(tx, event.id, CONSUMER, () => finishGenerationJob(tx, jobId, { error: error.message })));
      this.live.to(rooms.user(scope.tenantId, requestedBy)).emit('generation:failed', { jobId, error: error.message });
      return { error: error.message };
    }
    await this.progress(scope, requestedBy, jobId, GENERATION_STEPS.planned);

    const notes = await this.writeNotes(input, program, library);
    await this.progress(scope, requestedBy, jobId, GENERATION_STEPS.noted);

    const programId = await this.save(scope, event.id, job, program, notes);
    if (programId) this.live.to(rooms.user(scope.tenantId, requestedBy)).emit('generation:completed', { jobId, programId });
    return { programId };
  }

  private async progress(scope: TenantScope, requestedBy: string, jobId: string, progress: number): Promise<void> {
    const moved = await this.db.withTenant(scope, (tx) => markGenerationProgress(tx, jobId, progress));
    if (moved) this.live.to(rooms.user(scope.tenantId, requestedBy)).emit('generation:progress', { jobId, progress });
  }

  /** Best effort: the rules made the program, and a provider that fails or is slow leaves it without notes. */
  private async writeNotes(input: GenerationInput, program: GeneratedProgram, library: readonly LibraryExercise[]): Promise<string | undefined> {
    if (!this.notes) return undefined;
    const names = new Map(library.map((e) => [e.id, e.name]));
    const request: ProgramNotesRequest = {
      input,
      name: program.name,
      split: program.split,
      days: program.days.map((day) => ({
        name: day.name,
        exercises: day.exercises.map((e) => ({ name: names.get(e.exerciseId) ?? e.exerciseId, sets: e.sets.length, reps: e.sets[0]!.reps, restSeconds: e.sets[0]!.restSeconds, progression: e.progression.type })),
      })),
    };
    try {
      return cleanNotes(await this.notes.write(request));
    } catch (error) {
      this.logger.warn('program notes not written, the program goes without', { error: (error as Error).message });
      return undefined;
    }
  }

  private async save(scope: TenantScope, eventId: string, job: GenerationJobRow, program: GeneratedProgram, notes: string | undefined): Promise<string | undefined> {
    const result = await this.db.withTenant(scope, (tx) =>
      processOnce(tx, eventId, CONSUMER, async () => {
        const rows = programRows({
          name: program.name,
          description: notes ? `${program.description}\n\n${notes}` : program.description,
          createdBy: job.requestedBy,
          days: program.days.map((day) => ({ name: day.name, exercises: day.exercises.map((e) => ({ exerciseId: e.exerciseId, progression: e.progression, sets: e.sets })) })),
        });
        await insertProgram(tx, rows.program, rows.days, rows.sets);
        // An athlete's own program is theirs from today; a coach's waits to be edited and assigned.
        if (job.source === 'athlete' && job.athleteId) {
          await insertAssignment(tx, { id: newId(), programId: rows.program.id, athleteId: job.athleteId, startDate: new Date().toISOString().slice(0, 10), assignedBy: job.requestedBy });
        }
        await finishGenerationJob(tx, job.id, { programId: rows.program.id });
        await recordAudit(tx, { actorId: job.requestedBy, action: 'program.generated', entityType: 'program', entityId: rows.program.id, summary: { generationJobId: job.id, split: program.split } });
        return rows.program.id;
      }),
    );
    return result.done ? result.value : undefined;
  }
}

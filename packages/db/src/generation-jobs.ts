import { and, eq, sql } from 'drizzle-orm';
import type { GenerationInput } from '@coachline/domain/api/generation';
import type { GenerationSource } from '@coachline/domain/events';
import type { TenantTx } from './database';
import { newId } from './ids';
import { emit } from './outbox';
import { generationJobs } from './schema/index';

export type GenerationJobRow = typeof generationJobs.$inferSelect;

/**
 * Records a program generation and the event that queues it, in the caller's
 * transaction: the job runs if and only if the row commits. The API calls it
 * for coaches and athletes; background work names `source: 'background'`, so
 * the queue runs it after everything a person waits for.
 */
export async function requestGeneration(tx: TenantTx, request: { requestedBy: string; athleteId: string | null; source: GenerationSource; input: GenerationInput }): Promise<GenerationJobRow> {
  const [row] = await tx
    .insert(generationJobs)
    .values({ tenantId: tx.scope.tenantId, id: newId(), requestedBy: request.requestedBy, athleteId: request.athleteId, source: request.source, input: request.input })
    .returning();
  await emit(tx, 'program.generation_requested', { generationJobId: row!.id, requestedBy: request.requestedBy, source: request.source });
  return row!;
}

export async function findGenerationJob(tx: TenantTx, id: string): Promise<GenerationJobRow | undefined> {
  const [row] = await tx
    .select()
    .from(generationJobs)
    .where(and(eq(generationJobs.tenantId, tx.scope.tenantId), eq(generationJobs.id, id)));
  return row;
}

/** Moves a job that has not finished on; a finished job never goes back to running. */
export async function markGenerationProgress(tx: TenantTx, id: string, progress: number): Promise<boolean> {
  const updated = await tx
    .update(generationJobs)
    .set({ status: 'running', progress, startedAt: sql`coalesce(${generationJobs.startedAt}, now())` })
    .where(and(eq(generationJobs.tenantId, tx.scope.tenantId), eq(generationJobs.id, id), sql`${generationJobs.status} IN ('queued', 'running')`))
    .returning({ id: generationJobs.id });
  return updated.length > 0;
}

export async function finishGenerationJob(tx: TenantTx, id: string, outcome: { programId: string } | { error: string }): Promise<void> {
  await tx
    .update(generationJobs)
    .set('programId' in outcome ? { status: 'succeeded', progress: 100, programId: outcome.programId, finishedAt: sql`now()` } : { status: 'failed', error: outcome.error, finishedAt: sql`now()` })
    .where(and(eq(generationJobs.tenantId, tx.scope.tenantId), eq(generationJobs.id, id)));
}

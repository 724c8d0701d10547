import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { findGenerationJob, requestGeneration, type GenerationJobRow } from '@coachline/db/generation-jobs';
import type { Actor } from '@coachline/domain/actor';
import type { GenerateProgramBody } from '@coachline/domain/api/generation';
import { ForbiddenError, NotFoundError, ValidationError } from '@coachline/domain/errors';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import type { FeatureFlags } from '../features/feature-flags';
import { findMemberRole } from '../training/training.repository';

/** The job as GET /v1/generation-jobs/:id shows it: programId once it succeeded, error once it failed. */
function toJob(row: GenerationJobRow) {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    ...(row.programId ? { programId: row.programId } : {}),
    ...(row.error ? { error: row.error } : {}),
    athleteId: row.athleteId,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Asking for a generated program, and following the job. The work itself
 * runs in the scheduler's generation consumer; this records the request (and
 * its outbox event) and reads the row back.
 */
export class GenerationService {
  constructor(
    private readonly db: Database,
    private readonly flags: FeatureFlags,
  ) {}

  /**
   * COACH and ADMIN (who write programs) for anyone of the tenant; an ATHLETE
   * only for themself, and only where the tenant turned `self_service_programs` on.
   */
  async request(actor: Actor, body: LazyInput<GenerateProgramBody>) {
    if (!(await this.flags.isEnabled(actor, 'program_generation'))) throw new ForbiddenError('Program generation is not available.');
    const staff = actor.permissions.includes('program:write');
    if (!staff) {
      if (actor.role !== 'ATHLETE') throw new ForbiddenError('Coaches, ADMINs and athletes generate programs.');
      if (!(await this.flags.isEnabled(actor, 'self_service_programs'))) throw new ForbiddenError('Athletes of this organization do not generate their own programs.');
    }
    const { athleteId: named, ...request } = body();
    if (!staff && named !== undefined && named !== actor.userId) throw new ForbiddenError('Athletes generate programs only for themselves.');
    return this.db.withTenant(actor, async (tx) => {
      const athleteId = staff ? (named ?? null) : actor.userId;
      if (staff && athleteId && (await findMemberRole(tx, athleteId)) !== 'ATHLETE') {
        throw new ValidationError('Programs are generated for athletes of this organization.', [{ path: 'athleteId', message: 'Not an athlete of this organization' }]);
      }
      const job = await requestGeneration(tx, { requestedBy: actor.userId, athleteId, source: staff ? 'coach' : 'athlete', input: { ...request, avoid: request.avoid ?? [] } });
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'program.generation_requested',
        entityType: 'generation_job',
        entityId: job.id,
        summary: { goal: request.goal, daysPerWeek: request.daysPerWeek, athleteId },
      });
      return { jobId: job.id, status: 'queued' as const };
    });
  }

  /** The requester, the athlete it is for and the tenant's ADMINs see a job; to anyone else it does not exist. */
  async get(actor: Actor, id: string) {
    const row = await this.db.withTenant(actor, (tx) => findGenerationJob(tx, id));
    if (!row || (actor.role !== 'ADMIN' && row.requestedBy !== actor.userId && row.athleteId !== actor.userId)) throw new NotFoundError('Generation job not found.');
    return toJob(row);
  }
}

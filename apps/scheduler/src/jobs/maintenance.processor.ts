import type { Job } from 'bullmq';
import { JOBS, parseJob, type JobName, type JobOf } from '@coachline/domain/queues';
import { runWithContext } from '@coachline/runtime/context';

type Handler<N extends JobName<'maintenance'>> = (data: JobOf<'maintenance', N>, job: Job) => Promise<unknown>;
/** Every maintenance job needs its handler: a job added to the registry fails to compile here until it has one. */
export type MaintenanceHandlers = { [N in JobName<'maintenance'>]: Handler<N> };

/**
 * Runs the maintenance queue's jobs by name. A job without a handler fails
 * (and stays in the failed set) rather than being silently dropped.
 */
export function createMaintenanceProcessor(handlers: MaintenanceHandlers) {
  return async (job: Job) => {
    if (!(job.name in JOBS.maintenance)) throw new Error(`The maintenance queue has no job "${job.name}"`);
    const name = job.name as JobName<'maintenance'>;
    const handler = handlers[name] as Handler<typeof name> | undefined;
    if (!handler) throw new Error(`No handler for maintenance job "${name}" in this process`);
    const data = parseJob('maintenance', name, job.data);
    return runWithContext({ jobId: job.id }, () => handler(data, job));
  };
}

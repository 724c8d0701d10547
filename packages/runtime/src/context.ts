import { AsyncLocalStorage } from 'node:async_hooks';

/** Who and what a unit of work is for; every log line carries it. */
export interface WorkContext {
  requestId?: string;
  tenantId?: string;
  userId?: string;
  jobId?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

export function runWithContext<T>(context: WorkContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): WorkContext | undefined {
  return storage.getStore();
}

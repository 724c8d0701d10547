import type { Logger } from './logger';

/** One shutdown step; `close` may return a promise, which is awaited before the next step. */
export type Closer = { name: string; close: () => unknown };

/**
 * On SIGTERM or SIGINT: run the closers in order (stop taking work first, then
 * finish in-flight work, then close connections) and exit 0, or exit 1 if that
 * takes longer than the deadline. The closers may still be coming: a process is
 * signalled while it starts too (a rollout, a scale-down), and by then it may
 * already serve or hold jobs, so the signal waits for the start to finish and
 * then stops what it started, instead of ending the process mid-work.
 */
export function registerShutdown(logger: Logger, closers: Closer[] | Promise<Closer[]>, deadlineMs = 9_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const timer = setTimeout(() => {
      logger.error('shutdown deadline passed, exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    let steps: Closer[];
    try {
      steps = await closers;
    } catch {
      // The start failed; the process exits on that with 1 by itself.
      return;
    }
    for (const closer of steps) {
      try {
        await closer.close();
      } catch (error) {
        logger.warn('closer failed', { closer: closer.name, error: (error as Error).message });
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

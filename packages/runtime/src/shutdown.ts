import type { Logger } from './logger';

/** One shutdown step; `close` may return a promise, which is awaited before the next step. */
export type Closer = { name: string; close: () => unknown };

/**
 * On SIGTERM or SIGINT: run the closers in order (stop taking work first, then
 * finish in-flight work, then close connections) and exit 0, or exit 1 if that
 * takes longer than the deadline.
 */
export function registerShutdown(logger: Logger, closers: Closer[], deadlineMs = 9_000): void {
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
    for (const closer of closers) {
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

import type { Logger } from '@coachline/runtime/logger';

export interface RepairStep {
  name: string;
  run(): Promise<unknown>;
}

/**
 * Runs the repair steps every `intervalMs`, one run at a time, each step on
 * its own (one failing, say while Postgres is still down, does not stop the
 * others). What Redis lost is rebuilt from Postgres without a restart.
 */
export function startRepairLoop(steps: readonly RepairStep[], options: { intervalMs: number; logger: Logger }) {
  let running: Promise<void> | undefined;
  let stopped = false;
  const runOnce = async () => {
    for (const step of steps) {
      if (stopped) return;
      try {
        const result = await step.run();
        options.logger.debug('repair step done', { step: step.name, result });
      } catch (error) {
        options.logger.warn('repair step failed', { step: step.name, error: (error as Error).message });
      }
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = runOnce().finally(() => (running = undefined));
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

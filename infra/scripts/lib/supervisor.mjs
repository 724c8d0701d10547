import { spawn } from 'node:child_process';
import chokidar from 'chokidar';

const STOP_GRACE_MS = 10_000;
const RESTART_DEBOUNCE_MS = 150;
const CRASH_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000];
/** A process that ran this long before it died counts as healthy: the backoff starts over. */
const HEALTHY_AFTER_MS = 30_000;

/**
 * Keeps one development process running: started again after it dies (with a
 * growing pause while it keeps crashing at start-up), and restarted when a
 * watched file changes. `stop()` ends it, whichever incarnation is running.
 */
export function supervise({ name, command, args, cwd, env, watch, ignored, log }) {
  let child;
  let startedAt = 0;
  let crashes = 0;
  let stopping = false;
  let pending;
  // Incarnations ended on purpose (a file changed): their exit is not a crash.
  const ended = new WeakSet();

  function start() {
    startedAt = Date.now();
    child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    log(`${name} started (pid ${child.pid})`);
    const current = child;
    current.on('exit', (code, signal) => {
      if (current !== child || stopping || ended.has(current)) return;
      crashes = Date.now() - startedAt > HEALTHY_AFTER_MS ? 1 : crashes + 1;
      const pause = CRASH_BACKOFF_MS[Math.min(crashes, CRASH_BACKOFF_MS.length) - 1];
      log(`${name} exited with ${signal ?? code}; starting it again in ${pause} ms`);
      pending = setTimeout(start, pause);
    });
  }

  /** Ends the running incarnation: its signal, then SIGKILL after the grace period. */
  function end(target) {
    if (!target || target.exitCode !== null || target.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => target.kill('SIGKILL'), STOP_GRACE_MS);
      target.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      target.kill('SIGTERM');
    });
  }

  let debounce;
  const watcher = chokidar.watch(watch, { ignored, ignoreInitial: true });
  watcher.on('all', (_event, path) => {
    if (stopping) return;
    clearTimeout(debounce);
    debounce = setTimeout(async () => {
      log(`${name}: ${path} changed, restarting`);
      clearTimeout(pending);
      const previous = child;
      if (previous) ended.add(previous);
      await end(previous);
      crashes = 0;
      if (!stopping) start();
    }, RESTART_DEBOUNCE_MS);
  });

  start();
  return {
    async stop() {
      stopping = true;
      clearTimeout(pending);
      clearTimeout(debounce);
      await watcher.close();
      await end(child);
    },
  };
}

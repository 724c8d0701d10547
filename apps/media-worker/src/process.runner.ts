import { spawn } from 'node:child_process';

export class ProcessTimeoutError extends Error {
  override readonly name = 'ProcessTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`killed after ${timeoutMs / 1000} s`);
  }
}

export class ProcessFailedError extends Error {
  override readonly name = 'ProcessFailedError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  timeoutMs: number;
  /** Called with the process id once it started (tests watch for stray processes). */
  onSpawn?: (pid: number) => void;
}

const STDERR_KEEP = 4_000;

/**
 * Runs a program to completion, outside the worker's event loop; past the
 * timeout it is killed with SIGKILL, so a stuck transcode never holds the job.
 */
export function runProcess(command: string, args: string[], options: RunOptions): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
    });
    if (child.pid) options.onSpawn?.(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new ProcessTimeoutError(options.timeoutMs));
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new ProcessFailedError(`${command} exited with ${signal ?? code}`, stderr));
    });
  });
}

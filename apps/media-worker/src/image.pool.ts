import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ImageReply, ImageRequest } from './image.child';
import type { RenderedMedia } from './image.variants';
import { InvalidMediaError } from './media.errors';

interface Slot {
  child?: ChildProcess;
  busy: boolean;
}

/**
 * Long-lived child processes that render image variants, one job at a time
 * each; starting a process per image would cost more than a small image takes.
 * A child that overruns its timeout is killed and replaced on the next job.
 */
export class ImagePool {
  private readonly slots: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size: number) {
    this.slots = Array.from({ length: size }, () => ({ busy: false }));
  }

  async render(input: string, outDir: string, maxPixels: number, timeoutMs: number): Promise<RenderedMedia> {
    const slot = await this.acquire();
    try {
      return await this.send(slot, { id: this.nextId++, input, outDir, maxPixels }, timeoutMs);
    } finally {
      this.release(slot);
    }
  }

  /** The children's process ids, for tests and diagnostics. */
  pids(): number[] {
    return this.slots.flatMap((s) => (s.child?.pid ? [s.child.pid] : []));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => stop(slot.child)));
  }

  private spawn(): ChildProcess {
    // The child is TypeScript like the rest of the app: tsx loads it, whether the parent runs under tsx or jest.
    const child = fork(join(__dirname, 'image.child.ts'), [], {
      execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.on('error', () => undefined);
    return child;
  }

  private send(slot: Slot, request: ImageRequest, timeoutMs: number): Promise<RenderedMedia> {
    if (!slot.child || slot.child.exitCode !== null || slot.child.signalCode !== null) slot.child = this.spawn();
    const child = slot.child;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (reply: ImageReply) => {
        if (reply.id !== request.id) return;
        done();
        if (reply.ok) resolve(reply.result);
        else reject(reply.invalid ? new InvalidMediaError(reply.message) : new Error(reply.message));
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        slot.child = undefined;
        // Out of memory or a crash in a decoder: the file did it.
        reject(new InvalidMediaError(`the image crashed its decoder (exit ${signal ?? code})`));
      };
      const timer = setTimeout(() => {
        done();
        child.kill('SIGKILL');
        slot.child = undefined;
        reject(new InvalidMediaError(`processing took longer than ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(request);
    });
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('The image pool is closed'));
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot) {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.disconnect();
  });
}

import type { CoachlineClient } from './client';
import { memoryQueueStorage, type OfflineQueueStorage } from './offline-queue-storage';
import { ProblemError } from './problem-error';
import { backoffMs } from './retry-policy';
import type { QueuedMutation, SyncMutationPayloads, SyncMutationResult, SyncMutationType } from './sync-mutation';

/** The most mutations `POST /v1/sync/mutations` takes at once. */
const MAX_BATCH = 500;

/** Something that says when the device is back online: a browser's `window`, or an adapter over NetInfo. */
export interface OnlineEvents {
  addEventListener(type: 'online', listener: () => void): void;
  removeEventListener(type: 'online', listener: () => void): void;
}

export interface OfflineQueueOptions {
  /** Where pending mutations live; in memory unless given (see localStorageQueueStorage). */
  storage?: OfflineQueueStorage;
  /** Mutations per request, 1..500 (default 100); batches go one after another, in order. */
  batchSize?: number;
  /** The wait before retrying a flush that failed on the network, a 5xx or a 429: doubling from `baseDelayMs` up to `maxDelayMs`, jittered; a Retry-After wins. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number };
  /** Flush when the device comes back online (default: on, where `online` events exist). */
  flushWhenOnline?: boolean;
  /** Flush every this many milliseconds, too (default: never). */
  flushIntervalMs?: number;
  /** Where `online` events come from; defaults to the global scope (a browser's window). */
  onlineEvents?: OnlineEvents;
  /** Makes clientMutationIds; defaults to crypto.randomUUID. */
  newClientMutationId?: () => string;
  /** The server has the mutation: `applied` now, or `duplicate` when an earlier send had applied it. */
  onApplied?: (mutation: QueuedMutation, result: SyncMutationResult) => void;
  /** The server refused the mutation with the matching REST call's problem; the queue has dropped it. */
  onRejected?: (mutation: QueuedMutation, error: ProblemError) => void;
  /** A flush stopped with mutations still pending; `retryInMs` says when the queue tries again on its own (undefined: it waits for a flush, as the same request would fail the same way). */
  onFlushFailed?: (error: unknown, retryInMs: number | undefined) => void;
}

export interface FlushReport {
  applied: number;
  rejected: number;
  /** Mutations still waiting when the flush ended. */
  pending: number;
  /** Why the flush stopped early, when it did. */
  error?: unknown;
}

export interface OfflineQueue {
  /** Stores a mutation and resolves once it is stored, with its clientMutationId. It is sent by the next flush. */
  enqueue<T extends SyncMutationType>(type: T, payload: SyncMutationPayloads[T]): Promise<QueuedMutation>;
  /** Sends pending mutations in order. One flush runs at a time: a call during one waits for it, then flushes what came since. */
  flush(): Promise<FlushReport>;
  /** The mutations not yet answered, oldest first. */
  pending(): Promise<QueuedMutation[]>;
  /** Stops automatic flushes (timers and `online` events); stored mutations stay for the next queue on the same storage. */
  close(): void;
}

/** A flush worth retrying with the same mutations: no answer at all, the server or a proxy in trouble, or rate limited. */
function isTransient(error: unknown): boolean {
  if (error instanceof ProblemError) return error.status >= 500 || error.status === 429 || error.status === 408;
  return true;
}

/** A browser's global scope hears `online`; Node's and React Native's do not. */
function globalOnlineEvents(): OnlineEvents | undefined {
  const scope = globalThis as unknown as Partial<OnlineEvents>;
  return typeof scope.addEventListener === 'function' && typeof scope.removeEventListener === 'function' ? (scope as OnlineEvents) : undefined;
}

function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/**
 * A queue of writes made offline, sent through `POST /v1/sync/mutations`
 * (API.md, "Offline sync"). Each mutation gets its clientMutationId when it is
 * enqueued and keeps it for every send, so a batch whose answer was lost can
 * be sent again: the server answers what it already applied `duplicate` and
 * changes nothing. A mutation leaves the queue once the server has answered
 * it, applied or rejected; a failure of the whole request (no answer, 5xx,
 * 429) keeps every mutation and retries later with backoff.
 */
export function createOfflineQueue(client: Pick<CoachlineClient, 'api'>, options: OfflineQueueOptions = {}): OfflineQueue {
  const storage = options.storage ?? memoryQueueStorage();
  const batchSize = Math.min(MAX_BATCH, Math.max(1, options.batchSize ?? 100));
  const retry = { attempts: Number.POSITIVE_INFINITY, baseDelayMs: options.retry?.baseDelayMs ?? 1_000, maxDelayMs: options.retry?.maxDelayMs ?? 60_000 };
  const newClientMutationId = options.newClientMutationId ?? (() => crypto.randomUUID());

  // Storage adapters read, change and write back: one operation at a time keeps an enqueue and a removal from overwriting each other.
  let storageTail: Promise<unknown> = Promise.resolve();
  function serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = storageTail.then(operation, operation);
    storageTail = next.catch(() => undefined);
    return next;
  }

  let running: Promise<FlushReport> | undefined;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // Automatic flushes have no caller to reject to: a storage that fails is reported like any failed flush.
  const autoFlush = () => void flush().catch((error: unknown) => options.onFlushFailed?.(error, undefined));

  function scheduleRetry(error: unknown): number {
    failures++;
    const retryAfter = error instanceof ProblemError ? error.retryAfterSeconds : undefined;
    const delay = backoffMs(retry, failures - 1, retryAfter);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(autoFlush, delay);
    unref(retryTimer);
    return delay;
  }

  async function sendAll(): Promise<FlushReport> {
    const report: FlushReport = { applied: 0, rejected: 0, pending: 0 };
    for (;;) {
      const batch = (await serial(() => storage.list())).slice(0, batchSize);
      if (batch.length === 0) return report;
      let results: SyncMutationResult[];
      try {
        const { data } = await client.api.POST('/v1/sync/mutations', {
          body: { mutations: batch.map(({ clientMutationId, type, payload }) => ({ clientMutationId, type, payload })) },
        });
        results = data?.results ?? [];
      } catch (error) {
        report.error = error;
        report.pending = (await serial(() => storage.list())).length;
        const retryInMs = isTransient(error) && !closed ? scheduleRetry(error) : undefined;
        options.onFlushFailed?.(error, retryInMs);
        return report;
      }
      failures = 0;
      clearTimeout(retryTimer);
      const answered = new Map(results.map((result) => [result.clientMutationId, result]));
      const done = batch.filter((m) => answered.has(m.clientMutationId));
      await serial(() => storage.remove(done.map((m) => m.clientMutationId)));
      for (const mutation of done) {
        const result = answered.get(mutation.clientMutationId)!;
        if (result.status === 'rejected') {
          report.rejected++;
          const problem = result.error ?? { title: 'Rejected', status: 422, code: 'REJECTED' };
          options.onRejected?.(mutation, new ProblemError(problem));
        } else {
          report.applied++;
          options.onApplied?.(mutation, result);
        }
      }
      // An answer that covers none of the batch would send it again forever.
      if (done.length === 0) {
        report.error = new Error('The server answered none of the batch');
        report.pending = (await serial(() => storage.list())).length;
        return report;
      }
    }
  }

  function flush(): Promise<FlushReport> {
    // One flush at a time: a second caller waits for the running one, then sends what was enqueued meanwhile.
    if (running) return running.then(() => flush());
    running = sendAll().finally(() => {
      running = undefined;
    });
    return running;
  }

  const onlineEvents = options.onlineEvents ?? globalOnlineEvents();
  const onOnline = autoFlush;
  if (options.flushWhenOnline !== false) onlineEvents?.addEventListener('online', onOnline);
  let interval: ReturnType<typeof setInterval> | undefined;
  if (options.flushIntervalMs) {
    interval = setInterval(autoFlush, options.flushIntervalMs);
    unref(interval);
  }

  return {
    async enqueue(type, payload) {
      const mutation = { clientMutationId: newClientMutationId(), type, payload, enqueuedAt: new Date().toISOString() } as QueuedMutation;
      await serial(() => storage.append(mutation));
      return mutation;
    },
    flush,
    pending: () => serial(() => storage.list()),
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(interval);
      onlineEvents?.removeEventListener('online', onOnline);
    },
  };
}

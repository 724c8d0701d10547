import type { QueuedMutation } from './sync-mutation';

/**
 * Where an offline queue keeps its mutations until the server has them. The
 * methods are asynchronous so IndexedDB, AsyncStorage or SQLite adapters fit;
 * `append` must have stored the mutation when its promise resolves, because
 * the queue tells its caller the mutation is safe only then.
 */
export interface OfflineQueueStorage {
  /** Every stored mutation, oldest first. */
  list(): Promise<QueuedMutation[]>;
  append(mutation: QueuedMutation): Promise<void>;
  /** Forgets these mutations; ids that are not stored are ignored. */
  remove(clientMutationIds: readonly string[]): Promise<void>;
}

/** Keeps the queue in memory: it dies with the page or process. The default. */
export function memoryQueueStorage(): OfflineQueueStorage {
  let mutations: QueuedMutation[] = [];
  return {
    list: async () => [...mutations],
    append: async (mutation) => {
      mutations.push(mutation);
    },
    remove: async (ids) => {
      const gone = new Set(ids);
      mutations = mutations.filter((m) => !gone.has(m.clientMutationId));
    },
  };
}

/** The part of the Web Storage API the queue uses, so any `localStorage`-like store fits. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Keeps the queue in a browser's `localStorage` (or any store with its
 * interface) under one key, as a JSON array, so it survives reloads. One queue
 * per key: two tabs sharing a key would send each other's mutations too (the
 * server answers the second send `duplicate`, so nothing applies twice).
 */
export function localStorageQueueStorage(key = 'coachline.offline-queue', storage: KeyValueStorage = (globalThis as unknown as { localStorage: KeyValueStorage }).localStorage): OfflineQueueStorage {
  const read = (): QueuedMutation[] => {
    const raw = storage.getItem(key);
    return raw ? (JSON.parse(raw) as QueuedMutation[]) : [];
  };
  return {
    list: async () => read(),
    append: async (mutation) => storage.setItem(key, JSON.stringify([...read(), mutation])),
    remove: async (ids) => {
      const gone = new Set(ids);
      storage.setItem(key, JSON.stringify(read().filter((m) => !gone.has(m.clientMutationId))));
    },
  };
}

import pg from 'pg';
import type { Logger } from '@coachline/runtime/logger';

/**
 * LISTEN outbox on a dedicated connection, reconnecting with backoff. NOTIFY
 * is lost while disconnected, so every (re)connection also calls `onNotify`
 * once: the relay then catches up on what was inserted meanwhile.
 */
export function listenForOutbox(options: { url: string; logger: Logger; onNotify: () => void }): { close: () => Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: options.url, application_name: 'outbox-relay-listener' });
    next.on('notification', () => options.onNotify());
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client === next) client = undefined;
      schedule();
    });
    try {
      await next.connect();
      await next.query('LISTEN outbox');
      if (closed) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      retryMs = 250;
      options.onNotify();
    } catch (error) {
      options.logger.warn('outbox LISTEN failed, retrying', { error: (error as Error).message, retryMs });
      await next.end().catch(() => undefined);
      schedule();
    }
  };
  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
  void connect();

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Stands in for tenants' webhook receivers: records every request and answers
 * as its path says: `/ok/...` 200; `/fail/...` 500; `/flaky/<n>/...` 500 for
 * the first n requests of that path, then 200; `/hang/...` never (until closed).
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const seen = new Map<string, number>();
  /** Requests to /hang/ that are open, and those whose connection the sender closed. */
  const hanging = { open: 0, closedBySender: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const count = (seen.get(path) ?? 0) + 1;
      seen.set(path, count);
      const flaky = /^\/flaky\/(\d+)\//.exec(path);
      if (path.startsWith('/hang/')) {
        hanging.open++;
        res.on('close', () => {
          hanging.open--;
          hanging.closedBySender++;
        });
        return;
      }
      if (path.startsWith('/fail/') || (flaky && count <= Number(flaky[1]))) res.writeHead(500).end('no');
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    port: (server.address() as AddressInfo).port,
    received,
    hanging,
    to: (path: string) => received.filter((r) => r.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

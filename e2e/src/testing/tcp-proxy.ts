import net from 'node:net';

export interface ProxiedConnection {
  /** The client's first bytes (a Postgres startup message names the application). */
  readonly startup: Buffer;
  /** Passes nothing more either way and keeps both sockets open: a peer that went silent, with no error and no close. */
  silence(): void;
}

interface Link extends ProxiedConnection {
  client: net.Socket;
  upstream: net.Socket;
  silent: boolean;
}

/**
 * A TCP proxy in front of a server on loopback, for faults the server itself
 * cannot be made to show: answers that never come back, a connection that
 * goes silent without closing, a server gone and back (close, then start
 * another on the same `port`).
 */
export async function startTcpProxy(targetPort: number, options: { port?: number } = {}) {
  const links = new Set<Link>();
  let answering = true;
  let resetNext = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const link: Link = {
      client,
      upstream,
      silent: false,
      startup: Buffer.alloc(0),
      silence() {
        link.silent = true;
      },
    };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (link.startup.length === 0) (link as { startup: Buffer }).startup = chunk;
      if (!link.silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (resetNext) {
        resetNext = false;
        client.resetAndDestroy();
        return;
      }
      if (!link.silent && answering) client.write(chunk);
    });
    const end = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections: (): ProxiedConnection[] => [...links],
    /** From now on the server's answers are dropped: requests still reach it and take effect, their callers never hear back. */
    dropAnswers() {
      answering = false;
    },
    /** The server's next answer resets the client's connection instead of reaching it: the request took effect, its caller saw a network failure. */
    resetNextAnswer() {
      resetNext = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const link of links) {
          link.client.destroy();
          link.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

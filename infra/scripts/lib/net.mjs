import net from 'node:net';

/** Resolves true when something accepts TCP connections on host:port. */
export function portOpen(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitFor(check, { timeoutMs = 30_000, intervalMs = 100, what = 'service' } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

/** Sends PING over RESP and resolves true on +PONG. */
export function redisPing(url, timeoutMs = 1_000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    let buffer = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      if (buffer.includes('\r\n')) done(buffer.startsWith('+PONG') || buffer.startsWith('-NOAUTH'));
    });
  });
}

/** Empties one logical Redis database (the test runs' own), leaving the others alone. */
export function redisFlushDb(url, db, timeoutMs = 2_000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    let buffer = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error('Redis FLUSHDB timed out'));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`SELECT ${db}\r\nFLUSHDB\r\n`));
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      if ((buffer.match(/\r\n/g) ?? []).length >= 2) {
        socket.destroy();
        if (buffer.startsWith('-') || buffer.includes('\r\n-')) reject(new Error(`Redis FLUSHDB failed: ${buffer.trim()}`));
        else resolve();
      }
    });
  });
}

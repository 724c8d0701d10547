import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupFunction } from 'node:net';
import { checkDestination, createOutboundHttp, isPublicAddress, UnsafeDestinationError } from './outbound-http';

describe('which URLs may be called', () => {
  test.each([
    'http://example.com/push',
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://127.0.0.1:70/',
    'https://127.0.0.1/x',
    'https://0x7f000001/x',
    'https://2130706433/x',
    'https://0177.0.0.1/x',
    'https://127.1/x',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[::ffff:7f00:1]/x',
    'https://10.1.2.3/x',
    'https://172.16.0.1/x',
    'https://192.168.1.1/x',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/x',
    'https://[fd00::1]/x',
    'https://[fe80::1]/x',
    'https://0.0.0.0/x',
    'https://localhost/x',
    'https://api.localhost/x',
    'https://user:secret@example.com/x',
    'not a url',
  ])('refuses %s', (url) => {
    expect(() => checkDestination(url, false)).toThrow(UnsafeDestinationError);
  });

  test.each(['https://push.example.com/send/abc', 'https://93.184.215.14/x', 'https://[2606:2800:220:1:248:1893:25c8:1946]/x'])('accepts %s', (url) => {
    expect(checkDestination(url, false).href).toBe(new URL(url).href);
  });

  test('development alone may call loopback, over http too, and still nothing private', () => {
    expect(checkDestination('http://127.0.0.1:4000/push', true).port).toBe('4000');
    expect(checkDestination('http://localhost:4000/push', true).hostname).toBe('localhost');
    expect(() => checkDestination('http://10.0.0.1/push', true)).toThrow(UnsafeDestinationError);
    expect(() => checkDestination('http://example.com/push', true)).toThrow(UnsafeDestinationError);
  });

  test('classifies addresses with their ranges', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('127.0.0.1')).toBe(false);
    expect(isPublicAddress('127.0.0.1', true)).toBe(true);
    expect(isPublicAddress('::ffff:10.0.0.1')).toBe(false);
    expect(isPublicAddress('not-an-ip')).toBe(false);
  });
});

describe('guarded requests', () => {
  let server: http.Server;
  let port: number;
  let hits: string[];

  beforeAll(async () => {
    hits = [];
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/internal` }).end();
      } else if (req.url === '/big') {
        res.end(Buffer.alloc(1_000_000, 97));
      } else if (req.url === '/hang') {
        // Never answers: the caller's timeout must end it.
      } else {
        res.writeHead(201).end('created');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A name server that answers a public-looking name with a loopback address: DNS rebinding. */
  const rebinding: LookupFunction = (_hostname, options, callback) => {
    const entry = { address: '127.0.0.1', family: 4 };
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: (typeof entry)[]) => void)(null, [entry]);
    else callback(null, entry.address, entry.family);
  };

  test('delivers to a loopback receiver in development, and does not follow redirects', async () => {
    const outbound = createOutboundHttp({ allowLoopback: true, timeoutMs: 2_000, maxResponseBytes: 1024 });
    const created = await outbound.request(`http://127.0.0.1:${port}/push`, { method: 'POST', body: 'x' });
    expect(created.status).toBe(201);
    expect(created.body.toString()).toBe('created');
    const redirected = await outbound.request(`http://127.0.0.1:${port}/redirect`);
    expect(redirected.status).toBe(302);
    expect(hits).not.toContain('/internal');
  });

  test('refuses a public-looking name that resolves to loopback, before anything is sent', async () => {
    const outbound = createOutboundHttp({ allowLoopback: false, timeoutMs: 2_000, maxResponseBytes: 1024, lookup: rebinding });
    const before = hits.length;
    await expect(outbound.request(`https://push.example.com:${port}/push`, { method: 'POST', body: 'x' })).rejects.toThrow(UnsafeDestinationError);
    expect(hits.length).toBe(before);
  });

  test('refuses loopback outside development', async () => {
    const outbound = createOutboundHttp({ allowLoopback: false, timeoutMs: 2_000, maxResponseBytes: 1024 });
    await expect(outbound.request(`http://127.0.0.1:${port}/push`)).rejects.toThrow(UnsafeDestinationError);
  });

  test('bounds the response it reads and the time it waits', async () => {
    const outbound = createOutboundHttp({ allowLoopback: true, timeoutMs: 300, maxResponseBytes: 1024 });
    const big = await outbound.request(`http://127.0.0.1:${port}/big`);
    expect(big.body.length).toBe(1024);
    await expect(outbound.request(`http://127.0.0.1:${port}/hang`)).rejects.toThrow(/timed out/);
  });
});

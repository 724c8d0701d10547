import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { debianNginx, type Nginx } from './nginx-binary';
import { nginxArgs, prepareEdge } from './nginx-local';
import { freePort, ROOT } from './support';

/**
 * infra/nginx/nginx.conf, checked by Debian's nginx: `nginx -t`, then served
 * on loopback ports in front of stand-in upstreams to see what it does: HTTP
 * redirected to HTTPS, the forwarding headers the gateway's TRUST_PROXY=1
 * relies on, the 1 MiB body limit, WebSocket upgrades for /socket.io, and
 * /metrics kept off the internet.
 */
const nginx = debianNginx();
const describeWithNginx = nginx ? describe : describe.skip;
if (!nginx) console.warn('nginx.test.ts skipped: no nginx and no apt-get/dpkg to unpack Debian\'s on this machine');

const config = readFileSync(path.join(ROOT, 'infra/nginx/nginx.conf'), 'utf8');

describeWithNginx('infra/nginx/nginx.conf', () => {
  const binary = nginx as Nginx;
  let work: string;
  let ports: { http: number; https: number; api: number; realtime: number };
  let ca: Buffer;
  let master: ChildProcess | undefined;
  let api: http.Server;
  let realtime: http.Server;
  const apiSeen: Array<{ url: string; headers: http.IncomingHttpHeaders; bytes: number }> = [];

  beforeAll(async () => {
    ports = { http: await freePort(), https: await freePort(), api: await freePort(), realtime: await freePort() };
    ({ work, ca } = prepareEdge({ ...ports, api: [ports.api], realtime: [ports.realtime] }, binary));

    api = http.createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        apiSeen.push({ url: req.url ?? '', headers: req.headers, bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }));
      });
    });
    realtime = http.createServer((_req, res) => res.writeHead(200).end('polling'));
    // A WebSocket stand-in: answers the upgrade, then echoes.
    realtime.on('upgrade', (req, socket) => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade ?? ''}\r\nConnection: Upgrade\r\n\r\n`);
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => api.listen(ports.api, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => realtime.listen(ports.realtime, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    if (master && master.exitCode === null) {
      const exited = new Promise((resolve) => master?.once('exit', resolve));
      master.kill('SIGQUIT');
      await exited;
    }
    await new Promise((resolve) => api?.close(resolve));
    await new Promise((resolve) => realtime?.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  test('nginx -t accepts it', () => {
    const result = spawnSync(binary.bin, ['-t', ...nginxArgs(work, path.join(work, 'nginx.conf')), '-g', `pid ${work}/nginx.pid;`], { encoding: 'utf8' });
    expect(result.stderr).toContain('syntax is ok');
    expect(result.stderr).toContain('test is successful');
    expect(result.status).toBe(0);
  });

  test('nginx -t rejects a broken copy (so the check has teeth)', () => {
    const broken = path.join(work, 'broken.conf');
    writeFileSync(broken, readFileSync(path.join(work, 'nginx.conf'), 'utf8').replace('ip_hash;', 'ip_hash_typo;'));
    const result = spawnSync(binary.bin, ['-t', ...nginxArgs(work, broken), '-g', `pid ${work}/broken.pid;`], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
  });

  test('the limits and routing the apps rely on are written down', () => {
    expect(config).toMatch(/upstream realtime \{\s*ip_hash;/);
    expect(config).toMatch(/^\s*client_max_body_size 1m;$/m);
    expect(config).toMatch(/proxy_set_header Upgrade \$http_upgrade;\s*proxy_set_header Connection \$connection_upgrade;/);
    // nginx drops every inherited proxy_set_header in a location that sets one of its own.
    for (const location of config.split(/\n\s*location /).slice(1)) expect(location.split('}')[0]).not.toContain('proxy_set_header');
  });

  describe('served on loopback', () => {
    beforeAll(async () => {
      master = spawn(binary.bin, [...nginxArgs(work, path.join(work, 'nginx.conf')), '-g', `daemon off; pid ${work}/nginx.pid;`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      master.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (master.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
        const ok = await fetch(`http://127.0.0.1:${ports.http}/nginx-health`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`nginx did not answer: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    function request(method: string, urlPath: string, options: { headers?: Record<string, string>; body?: Buffer } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
      return new Promise((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port: ports.https, method, path: urlPath, headers: options.headers, ca, servername: 'localhost' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end(options.body);
      });
    }

    test('plain HTTP is redirected to HTTPS', async () => {
      const res = await fetch(`http://127.0.0.1:${ports.http}/v1/members?x=1`, { redirect: 'manual' });
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('https://127.0.0.1/v1/members?x=1');
    });

    test('HTTPS with the certificate from files reaches the gateway with X-Forwarded-For and -Proto set', async () => {
      apiSeen.length = 0;
      const res = await request('GET', '/v1/members', { headers: { 'X-Forwarded-For': '203.0.113.9' } });
      expect(res.status).toBe(200);
      const seen = apiSeen.at(-1);
      expect(seen?.headers['x-forwarded-proto']).toBe('https');
      // The client's own claim stays first; the address nginx saw is the last hop, the one TRUST_PROXY=1 believes.
      expect(seen?.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(seen?.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });

    test('a body over the API\'s 1 MiB limit is refused at the edge; one under it passes', async () => {
      apiSeen.length = 0;
      const over = await request('POST', '/v1/workouts', { headers: { 'content-type': 'application/json' }, body: Buffer.alloc(1024 * 1024 + 1, 0x20) });
      expect(over.status).toBe(413);
      expect(apiSeen).toEqual([]);
      const under = await request('POST', '/v1/workouts', { headers: { 'content-type': 'application/json' }, body: Buffer.alloc(1024 * 1024 - 1024, 0x20) });
      expect(under.status).toBe(200);
      expect(apiSeen.at(-1)?.bytes).toBe(1024 * 1024 - 1024);
    });

    test('/metrics is not served to the internet', async () => {
      apiSeen.length = 0;
      expect((await request('GET', '/metrics')).status).toBe(404);
      expect(apiSeen).toEqual([]);
    });

    test('/socket.io upgrades to a WebSocket through the proxy, and long-polling reaches realtime', async () => {
      const echoed = await new Promise<string>((resolve, reject) => {
        const req = https.request({
          host: '127.0.0.1',
          port: ports.https,
          path: '/socket.io/?EIO=4&transport=websocket',
          ca,
          servername: 'localhost',
          headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
        });
        req.on('upgrade', (res, socket) => {
          expect(res.statusCode).toBe(101);
          socket.once('data', (chunk: Buffer) => {
            resolve(chunk.toString());
            socket.destroy();
          });
          socket.write('ping through nginx');
        });
        req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
        req.on('error', reject);
        req.end();
      });
      expect(echoed).toBe('ping through nginx');
      expect((await request('GET', '/socket.io/?EIO=4&transport=polling')).body).toBe('polling');
    });
  });
});

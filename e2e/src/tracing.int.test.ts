import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { testEnv } from '@coachline/api-gateway/testing/test-env';
import { freePort } from '@coachline/testing/free-port';

/**
 * With tracing on, the gateway process exports spans to an OTLP/HTTP collector,
 * and they include the Postgres queries: proof that the instrumentations were
 * in place before pg was first loaded. A local HTTP server stands in for the collector.
 */
const ROOT = path.resolve(__dirname, '../..');

test('the gateway exports spans of its requests and of their Postgres queries', async () => {
  const exports: string[] = [];
  const collector = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      exports.push(`${req.url} ${Buffer.concat(chunks).toString('latin1')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/api-gateway/src/main.ts')], {
    cwd: ROOT,
    env: { ...testEnv(), PORT: String(port), LOG_LEVEL: 'warn', OTEL_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    const deadline = Date.now() + 60_000;
    let ready = false;
    while (!ready) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gateway not ready:\n${output}`);
      ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((res) => res.status === 200, () => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Shutting down flushes the spans still batched.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const traces = exports.filter((e) => e.startsWith('/v1/traces')).join('\n');
    expect(traces).toContain('pg.query');
    expect(traces).toContain('/health/ready');
  } finally {
    child.kill('SIGKILL');
    collector.close();
  }
});

import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { securityHeaders } from './security-headers.middleware';

const corsOrigins = ['https://app.example.com', 'https://coach.example.com'];
const exposedHeaders = ['X-Request-Id', 'Api-Version', 'RateLimit-Limit'];

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Every response header but those of the connection and the moment. */
async function headersOf(server: Server, method: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string> }> {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/v1/thing`, { method, headers });
  const kept = Object.fromEntries([...res.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)));
  return { status: res.status, headers: kept };
}

function appWith(...middleware: express.RequestHandler[]): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(...middleware);
  app.get('/v1/thing', (_req, res) => {
    res.status(200).end();
  });
  return app;
}

describe.each([
  ['some allowed origins', corsOrigins],
  ['no allowed origin', []],
])('with %s, the headers are those of helmet() and cors()', (_name, origins) => {
  let reference: Server;
  let precomputed: Server;
  beforeAll(async () => {
    reference = await listen(appWith(helmet(), cors({ origin: origins, exposedHeaders })));
    precomputed = await listen(appWith(securityHeaders({ corsOrigins: origins, exposedHeaders })));
  });
  afterAll(async () => {
    await Promise.all([reference, precomputed].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  test.each([
    ['a request without an Origin', 'GET', {}],
    ['a request from an allowed origin', 'GET', { origin: 'https://app.example.com' }],
    ['a request from another origin', 'GET', { origin: 'https://evil.example.com' }],
    ['a HEAD request from an allowed origin', 'HEAD', { origin: 'https://coach.example.com' }],
    ['a preflight from an allowed origin', 'OPTIONS', { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' }],
    ['a preflight from another origin', 'OPTIONS', { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' }],
  ])('%s', async (_case, method, headers) => {
    const expected = await headersOf(reference, method, headers);
    expect(expected.headers['content-security-policy']).toBeDefined();
    expect(await headersOf(precomputed, method, headers)).toEqual(expected);
  });
});

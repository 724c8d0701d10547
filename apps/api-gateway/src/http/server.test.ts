import express from 'express';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from './server';

test("requests and responses arrive with the app's prototypes, so Express has none to swap, and still behave", async () => {
  const app = express();
  app.set('query parser', 'simple');
  app.get('/echo', (req, res) => {
    res.status(201).json({ header: req.get('x-probe'), query: req.query, path: req.path });
  });
  const server = createHttpServer(app);
  const arrived: boolean[] = [];
  // Before Express's own listener, which would make any request look right.
  server.prependListener('request', (req, res) => {
    arrived.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/echo?a=1`, { headers: { 'x-probe': 'yes' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ header: 'yes', query: { a: '1' }, path: '/echo' });
    expect(arrived).toEqual([true]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

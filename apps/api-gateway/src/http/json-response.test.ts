import express from 'express';
import type { AddressInfo } from 'node:net';
import { sendJson } from './json-response';

test('a JSON answer carries its type, its length and its body; HEAD and 204 carry no body', async () => {
  const app = express();
  app.get('/thing', (req, res) => {
    sendJson(req, res, 201, { name: 'Zoë', items: [1, 2] });
  });
  app.get('/nothing', (req, res) => {
    sendJson(req, res, 204, { ignored: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = JSON.stringify({ name: 'Zoë', items: [1, 2] });
    const get = await fetch(`${base}/thing`);
    expect(get.status).toBe(201);
    expect(get.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(get.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await get.text()).toBe(body);
    const head = await fetch(`${base}/thing`, { method: 'HEAD' });
    expect(head.status).toBe(201);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe('');
    const empty = await fetch(`${base}/nothing`);
    expect(empty.status).toBe(204);
    expect(empty.headers.get('content-type')).toBeNull();
    expect(await empty.text()).toBe('');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

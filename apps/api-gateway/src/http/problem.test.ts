import express from 'express';
import { Writable } from 'node:stream';
import request from 'supertest';
import winston from 'winston';
import { NotFoundError } from '@coachline/domain/errors';
import { problemHandler } from './problem';
import { requestContext } from './request-context.middleware';
import type { Actor } from '@coachline/domain/actor';

const actor: Actor = { userId: 'user-1', tenantId: 'tenant-1', role: 'COACH', permissions: [], requestId: '' };

/** A gateway-shaped app whose routes fail, with the log lines the handler writes. */
function failingApp() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
  const app = express();
  app.use(requestContext());
  app.use((_req, res, next) => {
    res.locals.actor = { ...actor, requestId: res.locals.requestId as string };
    next();
  });
  app.get('/unexpected', async () => {
    throw new Error('connection reset by peer at 10.0.0.7');
  });
  app.get('/missing', () => {
    throw new NotFoundError('No such workout.');
  });
  app.use(problemHandler(logger));
  return { app, lines };
}

test('an unexpected error is a 500 with an error id, and its one log line names the request, tenant and user', async () => {
  const { app, lines } = failingApp();
  const res = await request(app).get('/unexpected').set('x-request-id', 'req-500');
  expect(res.status).toBe(500);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 500, code: 'INTERNAL', requestId: 'req-500', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  expect(res.body.detail).toContain(res.body.errorId);
  expect(JSON.stringify(res.body)).not.toContain('10.0.0.7');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 'error', errorId: res.body.errorId, requestId: 'req-500', tenantId: 'tenant-1', userId: 'user-1', error: 'connection reset by peer at 10.0.0.7' });
  expect(lines[0]!.stack).toEqual(expect.stringContaining('problem.test.ts'));
});

test('a typed error maps to its status and echoes the request id, without a log line', async () => {
  const { app, lines } = failingApp();
  const res = await request(app).get('/missing');
  expect(res.status).toBe(404);
  expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'No such workout.', requestId: res.headers['x-request-id'] });
  expect(lines).toHaveLength(0);
});

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startGateway, type Gateway } from '../testing/gateway-harness';

interface Operation {
  operationId?: string;
  requestBody?: { required?: boolean };
  parameters?: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: unknown[];
}
type Document = { servers?: { url: string }[]; paths: Record<string, Record<string, Operation>> };

let gw: Gateway;
let doc: Document;
let operations: [string, Operation][];
beforeAll(async () => {
  // As deployed: the document names the public address as its server, which must not be localhost.
  gw = await startGateway({ PUBLIC_APP_URL: 'https://api.northside.example' });
  doc = (await gw.http().get('/openapi.json')).body as Document;
  operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => [`${m.toUpperCase()} ${p}`, op] as [string, Operation]));
});
afterAll(() => gw.close());

test("Redocly's recommended rules find no error and no warning in the document", () => {
  const script = path.join(__dirname, '../../scripts/lint-openapi.mjs');
  const problems = JSON.parse(execFileSync(process.execPath, [script], { input: JSON.stringify(doc) }).toString()) as { ruleId: string; severity: string; message: string; pointer?: string }[];
  expect(problems).toEqual([]);
});

test('every operation has its own operation id, and every request body is required', () => {
  expect(operations.length).toBeGreaterThan(80);
  const ids = operations.map(([, op]) => op.operationId);
  expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  expect(doc.paths['/v1/workouts/{id}/sets']!.post!.operationId).toBe('postWorkoutsByIdSets');
  expect(doc.paths['/v1/sync/changes']!.get!.operationId).toBe('getSyncChanges');
  expect(doc.paths['/v1/sync/mutations']!.post!.requestBody!.required).toBe(true);
  const withBodies = operations.filter(([, op]) => op.requestBody);
  expect(withBodies.length).toBeGreaterThan(30);
  expect(withBodies.filter(([, op]) => op.requestBody!.required !== true).map(([name]) => name)).toEqual([]);
});

test('every operation documents its problems with the problem schema, and the headers a client reads', () => {
  for (const [name, op] of operations) {
    const problems = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
    expect([name, problems.map(([status]) => status)]).toEqual([name, expect.arrayContaining(['429', '503'])]);
    for (const [status, response] of problems) {
      expect([name, status, response.content?.['application/problem+json']?.schema?.$ref]).toEqual([name, status, '#/components/schemas/Problem']);
      expect([name, status, Object.keys(response.headers ?? {})]).toEqual([name, status, expect.arrayContaining(['X-Request-Id'])]);
    }
    if (op.security && op.security.length === 0) continue;
    expect([name, Object.keys(op.responses)]).toEqual([name, expect.arrayContaining(['401', '403'])]);
    const success = Object.entries(op.responses).find(([status]) => Number(status) < 300)![1];
    expect([name, Object.keys(success.headers ?? {})]).toEqual([name, expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])]);
  }
  expect(doc.paths['/v1/programs/{id}']!.get!.responses['404']).toBeDefined();
  expect(doc.paths['/v1/programs']!.post!.responses['415']).toBeDefined();
});

test('authenticated POSTs take an Idempotency-Key, and token refresh, whose replay would be wrong, does not', () => {
  const keyOf = (op: Operation) => op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
  expect(keyOf(doc.paths['/v1/workouts/{id}/sets']!.post!)).toBeDefined();
  expect(doc.paths['/v1/workouts/{id}/sets']!.post!.responses['201']!.headers).toHaveProperty('Idempotent-Replayed');
  expect(keyOf(doc.paths['/v1/auth/refresh']!.post!)).toBeUndefined();
  expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://api.northside.example' })]);
});

test('what the document says of headers is what the gateway sends', async () => {
  const admin = await gw.signup();
  const listed = await gw.http().get('/v1/programs').set(gw.auth(admin));
  for (const name of ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) expect(listed.headers[name]).toBeDefined();
  const body = { name: 'Push', days: [{ name: 'Day 1', exercises: [] }] };
  const first = await gw.http().post('/v1/programs').set(gw.auth(admin)).set('idempotency-key', 'openapi-doc-1').send(body);
  const again = await gw.http().post('/v1/programs').set(gw.auth(admin)).set('idempotency-key', 'openapi-doc-1').send(body);
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.headers['idempotent-replayed']).toBe('true');
  const wrongType = await gw.http().post('/v1/programs').set(gw.auth(admin)).set('content-type', 'text/plain').send('name=Push');
  expect(wrongType.status).toBe(415);
  expect(wrongType.headers['content-type']).toMatch(/application\/problem\+json/);
});

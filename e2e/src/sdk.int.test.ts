import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCoachlineClient, memoryTokenStore, ProblemError, type Tokens } from '@coachline/sdk';
import { createHttpServer } from '@coachline/api-gateway/http/server';
import { startGateway, type Gateway, type TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { startTcpProxy } from './testing/tcp-proxy';

/**
 * @coachline/sdk against the real gateway over real HTTP: typed calls, problems
 * thrown as ProblemError, the session refreshed once for many callers, a POST
 * retried under one Idempotency-Key after its answer was lost on the wire, and
 * the generated types checked against the document the gateway serves.
 */
let gw: Gateway;
let server: Server;
let baseUrl: string;
let team: { admin: TestUser; coach: TestUser; athlete: TestUser };

beforeAll(async () => {
  gw = await startGateway();
  server = createHttpServer(gw.app).listen(0);
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  team = await gw.tenantWithTeam();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await gw.close();
});

/** A fetch that counts what it sends, by method and path. */
function countingFetch() {
  const calls: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    calls.push(`${request.method} ${new URL(request.url).pathname}`);
    return fetch(request);
  };
  return { calls, fetch: fetchImpl };
}

test('signs in and makes typed calls; data is there whenever a call returns', async () => {
  const client = createCoachlineClient({ baseUrl });
  const signedIn = await client.login({ email: team.coach.email, password: team.coach.password });
  expect(signedIn.role).toBe('COACH');

  const me = await client.api.GET('/v1/me');
  expect(me.data?.user.id).toBe(team.coach.id);
  expect(me.data?.permissions).toEqual(expect.arrayContaining(['analytics:read']));

  const space = await client.api.POST('/v1/spaces', { body: { name: 'Morning crew' } });
  expect(space.response.status).toBe(201);
  const posts = await client.api.GET('/v1/spaces/{id}/posts', { params: { path: { id: space.data!.id } } });
  expect(posts.data?.items).toEqual([]);
});

test('a problem answer throws a ProblemError with its status, code, request id and field errors', async () => {
  const client = createCoachlineClient({ baseUrl, tokens: memoryTokenStore({ accessToken: team.athlete.accessToken, refreshToken: team.athlete.refreshToken }) });

  const missing = await client.api.GET('/v1/workouts/{id}', { params: { path: { id: '0190a7a4-0000-7000-8000-000000000000' } } }).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(ProblemError);
  expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: expect.any(String) });

  const invalid = await client.api.POST('/v1/body-metrics', { body: { weightKg: -3, measuredAt: 'yesterday' } }).catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(ProblemError);
  const problem = invalid as ProblemError;
  expect(problem.status).toBe(422);
  expect(problem.errors.map((e) => e.path).sort()).toEqual(['measuredAt', 'weightKg']);

  const forbidden = await client.api.POST('/v1/programs', { body: { name: 'Mine', days: [] } }).catch((e: unknown) => e);
  expect(forbidden).toMatchObject({ status: 403, code: 'FORBIDDEN' });
});

test('many calls with a refused access token share one refresh, then all succeed with the new token', async () => {
  const { admin } = await gw.tenantWithTeam();
  const seen: Tokens[] = [];
  const counting = countingFetch();
  const tokens = memoryTokenStore({ accessToken: 'not-a-token', refreshToken: admin.refreshToken });
  const client = createCoachlineClient({ baseUrl, tokens, fetch: counting.fetch, onTokens: (t) => seen.push(t) });

  const answers = await Promise.all(Array.from({ length: 5 }, () => client.api.GET('/v1/me')));
  expect(answers.map((a) => a.data?.user.id)).toEqual(Array(5).fill(admin.id));
  expect(counting.calls.filter((c) => c === 'POST /v1/auth/refresh')).toHaveLength(1);
  expect(seen).toHaveLength(1);
  const stored = await tokens.get();
  expect(stored).toEqual(seen[0]);
  expect(stored!.refreshToken).not.toBe(admin.refreshToken);
});

test('an access token about to lapse is refreshed before the call rather than after a 401', async () => {
  const { admin } = await gw.tenantWithTeam();
  const counting = countingFetch();
  // Access tokens live 15 minutes: asking for 16 minutes of headroom makes every token "about to lapse".
  const client = createCoachlineClient({ baseUrl, fetch: counting.fetch, refreshAheadMs: 16 * 60_000, tokens: memoryTokenStore({ accessToken: admin.accessToken, refreshToken: admin.refreshToken }) });

  await client.api.GET('/v1/me');
  expect(counting.calls).toEqual(['POST /v1/auth/refresh', 'GET /v1/me']);
});

test('a refused refresh token ends the session: the store is cleared, the app is told, and the call throws 401', async () => {
  const { admin } = await gw.tenantWithTeam();
  // Logging out revokes the refresh token's family.
  expect((await gw.http().post('/v1/auth/logout').send({ refreshToken: admin.refreshToken })).status).toBe(204);
  let ended = 0;
  const tokens = memoryTokenStore({ accessToken: 'not-a-token', refreshToken: admin.refreshToken });
  const client = createCoachlineClient({ baseUrl, tokens, onSessionEnded: () => ended++ });

  await expect(client.api.GET('/v1/me')).rejects.toMatchObject({ status: 401 });
  expect(ended).toBe(1);
  expect(await tokens.get()).toBeUndefined();
});

test('a POST whose answer is lost is retried under the same Idempotency-Key: the server replays it and nothing is written twice', async () => {
  const proxy = await startTcpProxy((server.address() as AddressInfo).port);
  try {
    const keys: (string | null)[] = [];
    const client = createCoachlineClient({
      baseUrl: `http://127.0.0.1:${proxy.port}`,
      tokens: memoryTokenStore({ accessToken: team.coach.accessToken, refreshToken: team.coach.refreshToken }),
      retry: { baseDelayMs: 10 },
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (request.method === 'POST') keys.push(request.headers.get('idempotency-key'));
        return fetch(request);
      },
    });
    const name = `Lost answer ${Date.now()}`;
    proxy.resetNextAnswer();
    const created = await client.api.POST('/v1/spaces', { body: { name } });

    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('idempotent-replayed')).toBe('true');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const spaces = await gw.http().get('/v1/spaces?limit=100').set(gw.auth(team.coach));
    expect((spaces.body.items as { name: string }[]).filter((s) => s.name === name)).toHaveLength(1);
  } finally {
    await proxy.close();
  }
});

test('the committed types are what the served OpenAPI and AsyncAPI documents generate', async () => {
  const script = join(__dirname, '..', '..', 'packages', 'sdk', 'scripts', 'generate-types.mjs');
  // The generator reads /asyncapi.json beside the /openapi.json it is given.
  const child = spawn(process.execPath, [script, '--check', `${baseUrl}/openapi.json`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'src/generated/openapi.ts and src/generated/socket.ts are up to date.' });
});

import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { problemSchema } from '@coachline/domain/api/common';
import type { AnyRoute } from './route';

const PROBLEM_STATUSES: Record<number, string> = {
  400: 'Malformed JSON, or an unsupported API version',
  401: 'Missing, invalid or expired token',
  403: 'Not allowed',
  404: 'Not found (or another tenant\'s)',
  409: 'Conflict, or a request with this Idempotency-Key still running',
  413: 'Body over 1 MiB',
  415: 'Body not application/json',
  422: 'Invalid input, or an Idempotency-Key reused with another body',
  429: 'Rate limited',
  503: 'A dependency (database, cache, provider) is unavailable; retry after Retry-After',
};

const PROBLEM_EXAMPLE = {
  type: 'https://docs.coachline.dev/problems/validation-failed',
  title: 'Unprocessable Content',
  status: 422,
  code: 'VALIDATION_FAILED',
  detail: 'The body is invalid.',
  requestId: '5f0c6f4e-8d1b-4f55-9a43-0c1f2f7c2b10',
  errors: [{ path: 'reps', message: 'Too small: expected number to be >=0' }],
};

const header = (description: string, schema: { type: 'string' | 'integer' } = { type: 'string' }) => ({ description, schema });

const REQUEST_ID = header('The request id: the client\'s well-formed X-Request-Id, or one the server made. Logs and problems carry it.');
const RATE_LIMIT = {
  'RateLimit-Limit': header('Requests allowed in the current window of the budget closest to running out (the user\'s or the tenant\'s).', { type: 'integer' }),
  'RateLimit-Remaining': header('Requests left in that window.', { type: 'integer' }),
  'RateLimit-Reset': header('Seconds until that window resets.', { type: 'integer' }),
};
const RETRY_AFTER = header('Seconds to wait before trying again.', { type: 'integer' });
const IDEMPOTENT_REPLAYED = header('`true` when this answer is the stored answer of an earlier request with the same Idempotency-Key.');

const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z.string().min(1).max(255).optional().meta({
    description: 'Makes a retried POST safe: the same key and body within 24 h get the first answer again (with `Idempotent-Replayed: true`); the same key with another body is 422.',
    example: '0b6f7c1e-3a0d-4d7e-9f6a-1c2b3d4e5f60',
  }),
});

/**
 * An operation id a client generator turns into a method name, from the
 * method and the path: `GET /v1/workouts/:id/sets` is `getWorkoutsByIdSets`.
 * Unique because method and path are.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/v1\//, '')
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `by-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[-_.]/))
    .filter(Boolean);
  return method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Whether a POST to this route takes an Idempotency-Key, as the route mounter decides. */
function takesIdempotencyKey(r: AnyRoute): boolean {
  return r.method === 'post' && r.idempotent !== false && r.access !== 'public';
}

/** The problems a route can answer besides its own documented ones, from what the pipeline does to every route of its kind. */
function problemStatuses(r: AnyRoute): number[] {
  const authenticated = r.access !== 'public';
  return [
    ...(r.query || r.body ? [422] : []),
    ...(authenticated ? [401, 403, 429] : [429]),
    ...(r.params ? [404] : []),
    ...(r.method !== 'get' ? [400, 413] : []),
    ...(r.body && !r.rawBody ? [415] : []),
    ...(takesIdempotencyKey(r) ? [409, 422] : []),
    503,
  ];
}

/** Generates the OpenAPI 3.1 document from the same route definitions and zod schemas that serve requests. */
export function buildOpenApiDocument(routes: AnyRoute[], info: { version: string; serverUrl: string }) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const r of routes) {
    const authenticated = r.access !== 'public';
    const successHeaders = { 'X-Request-Id': REQUEST_ID, ...(authenticated ? RATE_LIMIT : {}), ...(takesIdempotencyKey(r) ? { 'Idempotent-Replayed': IDEMPOTENT_REPLAYED } : {}) };
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const isProblem = Number(status) >= 400;
      responses[status] = {
        description: spec.description,
        headers: isProblem ? { 'X-Request-Id': REQUEST_ID } : successHeaders,
        ...(isProblem
          ? { content: { 'application/problem+json': { schema: spec.schema ?? problemSchema } } }
          : spec.schema
            ? { content: { 'application/json': { schema: spec.schema } } }
            : {}),
      };
    }
    for (const status of problemStatuses(r)) {
      responses[String(status)] ??= {
        description: PROBLEM_STATUSES[status],
        headers: { 'X-Request-Id': REQUEST_ID, ...(status === 429 || status === 503 ? { 'Retry-After': RETRY_AFTER } : {}) },
        content: { 'application/problem+json': { schema: problemSchema, ...(status === 422 ? { example: PROBLEM_EXAMPLE } : {}) } },
      };
    }
    registry.registerPath({
      method: r.method,
      path: r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      operationId: operationIdOf(r.method, r.path),
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags,
      security: authenticated ? [{ [bearer.name]: [] }] : [],
      request: {
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(takesIdempotencyKey(r) ? { headers: idempotencyKeyHeader } : {}),
        ...(r.body ? { body: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      },
      responses: responses as never,
      ...(r.access === 'public' || r.access === 'authenticated' ? {} : { 'x-permission': r.access }),
    } as never);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Coachline API',
      version: info.version,
      description:
        'Multi-tenant backend for fitness coaching businesses. Every error is `application/problem+json` with a stable `code`; ' +
        'authenticated calls carry RateLimit-* headers; a POST may carry an Idempotency-Key.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Coachline' },
    },
    servers: [{ url: info.serverUrl, description: 'This deployment (PUBLIC_APP_URL)' }],
    security: [{ bearerAuth: [] }],
  });
}

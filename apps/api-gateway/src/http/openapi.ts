import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { problemSchema } from '@coachline/domain/api/common';
import type { AnyRoute } from './route';

const PROBLEM_STATUSES: Record<number, string> = {
  400: 'Malformed JSON',
  401: 'Missing, invalid or expired token',
  403: 'Not allowed',
  404: 'Not found (or another tenant\'s)',
  409: 'Conflict',
  413: 'Body over 1 MiB',
  422: 'Invalid input',
  429: 'Rate limited',
};

/** Generates the OpenAPI 3.1 document from the same route definitions and zod schemas that serve requests. */
export function buildOpenApiDocument(routes: AnyRoute[], info: { version: string; serverUrl?: string }) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const r of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = spec.schema ? { description: spec.description, content: { 'application/json': { schema: spec.schema } } } : { description: spec.description };
    }
    const errorStatuses = [422, 429, ...(r.access === 'public' ? [] : [401, 403]), ...(r.params ? [404] : []), ...(r.body ? [400, 413] : [])];
    for (const status of errorStatuses) {
      responses[String(status)] ??= { description: PROBLEM_STATUSES[status], content: { 'application/problem+json': { schema: problemSchema } } };
    }
    registry.registerPath({
      method: r.method,
      path: r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: r.summary,
      tags: r.tags,
      security: r.access === 'public' ? [] : [{ [bearer.name]: [] }],
      request: {
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(r.body ? { body: { content: { 'application/json': { schema: r.body } } } } : {}),
      },
      responses: responses as never,
      ...(r.access === 'public' || r.access === 'authenticated' ? {} : { 'x-permission': r.access }),
    } as never);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Coachline API', version: info.version, description: 'Multi-tenant backend for fitness coaching businesses.' },
    servers: info.serverUrl ? [{ url: info.serverUrl }] : [],
    security: [{ bearerAuth: [] }],
  });
}

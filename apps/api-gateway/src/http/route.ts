import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { ForbiddenError, MethodNotAllowedError, NotFoundError, UnsupportedMediaTypeError, ValidationError, type FieldError } from '@coachline/domain/errors';
import { negotiateVersion, withoutVersion } from './api-version';
import { sendJson } from './json-response';
import type { Actor } from '@coachline/domain/actor';
import type { Permission } from '@coachline/domain/roles';
import { controlCharacterPaths, hasControlCharacter } from '@coachline/domain/api/common';

export type Access = 'public' | 'authenticated' | Permission;

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Parsed before the handler runs, or, for a route that defers its input, a function that parses when called. */
type Input<T, D extends boolean> = D extends true ? () => T : T;

export interface RouteContext<P, Q, B, A extends Access, D extends boolean = false> {
  actor: A extends 'public' ? Actor | undefined : Actor;
  params: P;
  query: Input<Q, D>;
  body: Input<B, D>;
  requestId: string;
  req: Request;
  res: Response;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sends `body` as is with this type instead of JSON (an iCalendar feed, say). */
  contentType?: string;
}

export interface RouteDefinition<
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  A extends Access = Access,
  D extends boolean = false,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, `/v1/...`; OpenAPI shows it with `{param}`. */
  path: string;
  summary: string;
  /** What the summary leaves out (defaults, limits), shown in OpenAPI. */
  description?: string;
  tags: string[];
  /** Who may call it; shown in OpenAPI as `x-permission`. */
  access: A;
  params?: PS;
  query?: QS;
  body?: BS;
  /**
   * The handler gets `query` and `body` as functions that parse (or throw the
   * ValidationError) when called. For routes whose path names a resource: the
   * service looks it up and then calls them, in one transaction, so another
   * tenant's or a missing id is 404 before the input is judged (422).
   */
  deferInput?: D;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Route-specific middleware (rate limits), run after authentication. */
  middleware?: RequestHandler[];
  /** Opt out of Idempotency-Key handling (routes whose replay would be wrong, like token refresh). */
  idempotent?: false;
  /**
   * The body is left as the raw bytes (`req.body` is a Buffer, of any type) for
   * routes that verify a signature over exactly what was sent (provider webhooks).
   */
  rawBody?: true;
  handler: (ctx: RouteContext<Infer<PS>, Infer<QS>, Infer<BS>, A, D>) => Promise<RouteResult>;
}

/** A route of any schemas, as the app mounts and documents them; `route()` checked its handler against its schemas. */
export type AnyRoute = RouteDefinition<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, Access, boolean>;

/** Identity function that infers the schemas' types into the handler. */
export function route<
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  A extends Access = Access,
  D extends boolean = false,
>(definition: RouteDefinition<PS, QS, BS, A, D>): AnyRoute {
  return definition;
}

export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || (prefix ?? ''),
    message: issue.message,
  }));
}

/**
 * The one check of raw input for control characters, before any schema: a NUL
 * in a field no schema bounds would otherwise reach Postgres, which refuses it.
 */
function refuseControlCharacters(value: unknown, where: string): void {
  if (!hasControlCharacter(value)) return;
  const prefix = where === 'body' ? [] : [where];
  const errors = controlCharacterPaths(value, prefix).map((path) => ({ path, message: 'Control characters are not allowed' }));
  throw new ValidationError(`The ${where} is invalid.`, errors);
}

function parseOr<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> | undefined {
  refuseControlCharacters(value, where);
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`The ${where} is invalid.`, fieldErrors(result.error, where === 'body' ? undefined : where));
  return result.data;
}

/** What every authenticated request passes through, supplied by the app. */
export interface Pipeline {
  authenticate: (req: Request) => Promise<Actor>;
  /** Rate limits shared by every authenticated route. */
  authenticatedMiddleware: RequestHandler[];
  /** Runs the handler under Idempotency-Key semantics when the client sent one. */
  idempotent: (actor: Actor, req: Request, run: () => Promise<RouteResult>) => Promise<RouteResult & { replayed?: boolean }>;
}

/** Every route's path starts with it. */
export const API_PREFIX = '/v1';
const VERSIONED = `${API_PREFIX}/`;

/**
 * Mounts a route on the app itself: a nested router under API_PREFIX cost
 * every request a second pass of Express's layer machinery. `parseBody` runs
 * first on routes that take a body, so malformed JSON is a 400 before
 * anything else is judged.
 */
export function mountRoute(app: Router, definition: AnyRoute, pipeline: Pipeline, parseBody: RequestHandler): void {
  if (!definition.path.startsWith(`${API_PREFIX}/`)) throw new Error(`Route ${definition.path} is outside ${API_PREFIX}`);
  const authenticate: RequestHandler = async (req, res, next) => {
    // The pattern, not the raw path, labels the request's metrics.
    res.locals.route = definition.path;
    if (!req.url.startsWith(VERSIONED)) negotiateVersion(req, res);
    if (definition.access === 'public') {
      if (req.get('authorization')) {
        try {
          res.locals.actor = await pipeline.authenticate(req);
        } catch {
          // Public routes ignore a bad token rather than refuse.
        }
      }
      return next();
    }
    const actor = await pipeline.authenticate(req);
    res.locals.actor = actor;
    if (definition.access !== 'authenticated' && !actor.permissions.includes(definition.access)) {
      throw new ForbiddenError(`This needs the ${definition.access} permission.`);
    }
    next();
  };
  const before = definition.access === 'public' ? [] : pipeline.authenticatedMiddleware;
  // Chosen once per route, so that a route parsing up front allocates nothing for it.
  const inputOf: (schema: z.ZodType | undefined, value: unknown, where: string) => unknown = definition.deferInput
    ? (schema, value, where) => () => parseOr(schema, value, where)
    : parseOr;

  const handle: RequestHandler = async (req, res) => {
    const actor = res.locals.actor as Actor | undefined;
    const params = definition.params ? definition.params.safeParse(req.params) : undefined;
    // A malformed id in the path names nothing: 404, like any unknown id.
    if (params && !params.success) throw new NotFoundError('Not found.');
    const parsedParams = params?.data;
    const execute = async (): Promise<RouteResult> => {
      // A request with a bad query and a bad body is answered with the query's errors.
      const query = inputOf(definition.query, res.locals.versionFromQuery === true ? withoutVersion(req.query) : req.query, 'query');
      const body = definition.rawBody ? undefined : inputOf(definition.body, req.body ?? {}, 'body');
      return definition.handler({ actor, params: parsedParams, query, body, requestId: res.locals.requestId as string, req, res });
    };
    const wantsIdempotency = definition.method === 'post' && definition.idempotent !== false && actor && req.get('idempotency-key') !== undefined;
    const result = wantsIdempotency ? await pipeline.idempotent(actor, req, execute) : await execute();
    if ('replayed' in result && result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    if (result.contentType) res.status(result.status).type(result.contentType).send(result.body);
    else if (result.body === undefined) res.status(result.status).end();
    else sendJson(req, res, result.status, result.body);
  };

  const body = definition.method === 'get' ? [] : definition.rawBody ? [rawBytes] : [definition.body ? jsonOnly(parseBody) : parseBody];
  // One layer for both spellings of the path: a nested router for /v1 would cost every request a second pass.
  app[definition.method]([definition.path, definition.path.slice(API_PREFIX.length)], ...body, authenticate, ...before, ...(definition.middleware ?? []), handle);
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/** The body as sent, whatever its type, up to the API's 1 MiB. */
const rawBytes = express.raw({ type: () => true, limit: '1mb' });

/** A body in any other type than JSON is refused (415) rather than ignored and judged as empty. */
function jsonOnly(parseBody: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    if (hasBody && !req.is(JSON_TYPES)) return next(new UnsupportedMediaTypeError('The request body must be application/json.'));
    parseBody(req, res, next);
  };
}

/**
 * After every route: a known path called with a method it lacks is 405 with
 * `Allow`, not the 404 of an unknown path. Mounted last, so no request that
 * matches a route passes through these layers.
 */
export function mountMethodGuards(app: Router, definitions: AnyRoute[]): void {
  const methodsOf = new Map<string, Set<string>>();
  for (const { path, method } of definitions) {
    const methods = methodsOf.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    if (method === 'get') methods.add('HEAD');
    methodsOf.set(path, methods);
  }
  for (const [path, methods] of methodsOf) {
    const allow = [...methods].sort();
    app.all([path, path.slice(API_PREFIX.length)], () => {
      throw new MethodNotAllowedError(`This path takes ${allow.join(', ')}.`, allow);
    });
  }
}

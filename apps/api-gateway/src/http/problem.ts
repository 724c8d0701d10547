import type { ErrorRequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { AppError, MethodNotAllowedError, RateLimitedError, type ErrorCode, type FieldError } from '@coachline/domain/errors';
import type { Logger } from '@coachline/runtime/logger';
import { logFieldsOf, type Actor } from '@coachline/domain/actor';
import { dependencyFailureOf, type Dependency } from './dependency-failure';

/** Exhaustive: adding an ErrorCode without a status fails to compile. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'MALFORMED_JSON':
    case 'UNSUPPORTED_API_VERSION':
    case 'INVALID_SIGNATURE':
    case 'INVALID_OAUTH_STATE':
    case 'WEBHOOK_REJECTED':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'PAYMENT_REQUIRED':
      return 402;
    case 'FORBIDDEN':
    case 'QUOTA_EXCEEDED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'IDEMPOTENCY_KEY_IN_USE':
      return 409;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'GONE':
      return 410;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'VALIDATION_FAILED':
    case 'IDEMPOTENCY_KEY_REUSED':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'SERVICE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  requestId: string;
  errors?: FieldError[];
  errorId?: string;
}

export function problemOf(code: ErrorCode, detail: string, requestId: string, errors?: FieldError[]): Problem {
  const status = statusOf(code);
  return {
    type: `https://docs.coachline.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    requestId,
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').json(problem);
}

/** How long a client should wait after a 503; a database failover or restart takes seconds. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/** Errors thrown by Express's own parsers, recognised by their `type`. */
function fromParserError(error: { type?: string; status?: number }, requestId: string): Problem | undefined {
  if (error.type === 'entity.parse.failed') return problemOf('MALFORMED_JSON', 'The request body is not valid JSON.', requestId);
  if (error.type === 'entity.too.large') return problemOf('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB.', requestId);
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    return problemOf('MALFORMED_JSON', 'The request body must be UTF-8 JSON.', requestId);
  }
  if (typeof error.status === 'number' && error.status === 400) return problemOf('MALFORMED_JSON', 'The request could not be read.', requestId);
  return undefined;
}

/** How a client is told which part is down, in words that give nothing of the deployment away. */
const DEPENDENCY_NAMES: Record<Dependency, string> = { postgres: 'database', redis: 'cache', storage: 'file storage' };

/**
 * The one place errors become HTTP: typed errors map by code, anything else is a
 * 500 with an error id, logged once with its stack and never sent to the client.
 */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (res.headersSent) return;
    const requestId = (res.locals.requestId as string | undefined) ?? '';
    if (error instanceof AppError) {
      if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      if (error.code === 'SERVICE_UNAVAILABLE') res.setHeader('Retry-After', String(DEPENDENCY_RETRY_AFTER_SECONDS));
      if (error.code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer realm="coachline"');
      if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allow.join(', '));
      return sendProblem(res, problemOf(error.code, error.message, requestId, error.fieldErrors?.length ? error.fieldErrors : error.code === 'VALIDATION_FAILED' ? [] : undefined));
    }
    const parsed = fromParserError((error ?? {}) as { type?: string; status?: number }, requestId);
    if (parsed) return sendProblem(res, parsed);
    const actor = res.locals.actor as Actor | undefined;
    const dependency = dependencyFailureOf(error);
    if (dependency) {
      // An outage is expected operations, not a bug: one line without a stack, and the client is told to come back.
      logger.warn('dependency unavailable', { dependency, ...(actor ? logFieldsOf(actor) : { requestId }), error: error instanceof Error ? error.message : String(error) });
      res.setHeader('Retry-After', String(DEPENDENCY_RETRY_AFTER_SECONDS));
      return sendProblem(res, problemOf('SERVICE_UNAVAILABLE', `The service is briefly unavailable (${DEPENDENCY_NAMES[dependency]}); retry shortly.`, requestId));
    }
    const errorId = randomUUID();
    logger.error('unhandled error', {
      errorId,
      ...(actor ? logFieldsOf(actor) : { requestId }),
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    sendProblem(res, { ...problemOf('INTERNAL', `Something went wrong on our side. Quote error id ${errorId}.`, requestId), errorId });
  };
}

/** One field's complaint in a 422 problem. */
export interface ProblemFieldError {
  path: string;
  message: string;
}

/** The RFC 9457 problem document every Coachline error answers with. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  requestId?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

/**
 * An answer of 4xx or 5xx, thrown with its problem: `code` is the stable
 * machine-readable reason (`NOT_FOUND`, `VALIDATION_FAILED`, ...), safe to
 * branch on; `requestId` is what support asks for.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;
  readonly errors: ProblemFieldError[];
  /** Seconds the server asked to wait (429, 503), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly problem: Problem,
    retryAfterSeconds?: number,
  ) {
    super(problem.detail ?? problem.title);
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Reads a failed response as a problem; a body that is not one (a proxy's HTML page) still gives status and code. */
export async function problemOf(response: Response): Promise<ProblemError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has('retry-after') ? retryAfter : undefined;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    body = undefined;
  }
  if (isProblem(body)) return new ProblemError({ ...body, requestId: body.requestId ?? requestId }, retryAfterSeconds);
  return new ProblemError({ title: response.statusText || 'Request failed', status: response.status, code: `HTTP_${response.status}`, requestId }, retryAfterSeconds);
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).status === 'number';
}

import type { OutboundHttp, OutboundResponse } from '../outbound-http';

/** What an OAuth client hands its fetch: oauth4webapi's `customFetch` options. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

export type GuardedFetch = (url: string, init: FetchInit) => Promise<Response>;

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('Unsupported request body for a provider call');
}

/** A Fetch API Response over a guarded answer, so a library that speaks fetch reads it as usual. */
export function toResponse(answer: OutboundResponse): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, { status: answer.status, headers });
}

/**
 * A fetch whose every request goes through the outbound-HTTP guard: the OAuth
 * client (oauth4webapi) makes its token and resource calls with it, so they get
 * the guard's address checks, timeout, bounded body and no redirects like any
 * other outbound call. `send` may wrap the guard (a breaker, a budget).
 */
export function guardedFetch(send: OutboundHttp['request']): GuardedFetch {
  return async (url, init) => toResponse(await send(url, { method: init.method, headers: init.headers, body: bodyOf(init.body) }));
}

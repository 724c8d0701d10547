import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * The one way the platform sends a request to a URL a user gave (a Web Push
 * endpoint, a webhook, a provider's API): `https:` only, to public addresses
 * only, checked on the address actually connected to (so a name that resolves
 * to an internal address, or starts to after registration, is refused), with
 * no redirects, a timeout and a bounded response.
 */

/** A URL or the address it resolves to is not one the platform may call. */
export class UnsafeDestinationError extends Error {
  readonly code = 'UNSAFE_DESTINATION';
}

/** The response to a guarded request; the body is cut at `maxResponseBytes`. */
export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface OutboundHttpOptions {
  /**
   * Loopback addresses, and plain `http:` to them, for development alone: local
   * test receivers stand in for push services there. Never in production.
   */
  allowLoopback: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Name resolution; tests pass one that answers like a hostile DNS would. */
  lookup?: LookupFunction;
}

/**
 * `OUTBOUND_ALLOW_LOOPBACK`: whether user-given URLs may name loopback
 * addresses (over plain http: too), so local receivers stand in for push
 * services and webhook receivers. Unset: only when NODE_ENV=development; never
 * in production. Test harnesses set it explicitly. Every process that checks or
 * calls such URLs reads it through `loopbackAllowed`.
 */
export const outboundConfigSchema = z.object({ OUTBOUND_ALLOW_LOOPBACK: z.enum(['true', 'false']).optional() });

export function loopbackAllowed(config: { NODE_ENV: string; OUTBOUND_ALLOW_LOOPBACK?: 'true' | 'false' }): boolean {
  return config.OUTBOUND_ALLOW_LOOPBACK === undefined ? config.NODE_ENV === 'development' : config.OUTBOUND_ALLOW_LOOPBACK === 'true';
}

/** The config check that goes with it: `.refine(...loopbackNeverInProduction)` on an app's schema. */
export const loopbackNeverInProduction: [(config: { NODE_ENV: string; OUTBOUND_ALLOW_LOOPBACK?: 'true' | 'false' }) => boolean, { path: string[]; message: string }] = [
  (config) => config.NODE_ENV !== 'production' || config.OUTBOUND_ALLOW_LOOPBACK !== 'true',
  { path: ['OUTBOUND_ALLOW_LOOPBACK'], message: 'never allowed in production' },
];

export interface OutboundHttp {
  /** Throws UnsafeDestinationError for a URL that could never be called (scheme, literal address). */
  check(url: string): URL;
  request(url: string, request?: OutboundRequest): Promise<OutboundResponse>;
}

/**
 * ipaddr.js names every special-purpose range (loopback, private, linkLocal,
 * carrierGradeNat, uniqueLocal, multicast, reserved, unspecified, ...); only
 * `unicast` is the public internet. IPv4-mapped IPv6 is judged as the IPv4 it carries.
 */
export function isPublicAddress(address: string, allowLoopback = false): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = ipaddr.process(address).range();
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

/** The URL, if it may be called at all: right scheme, and a literal address (in any notation) that is public. */
export function checkDestination(raw: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeDestinationError('Not a URL');
  }
  if (url.username || url.password) throw new UnsafeDestinationError('Credentials in the URL are not allowed');
  // WHATWG parsing already turned hex, octal and integer IPv4 forms into dotted quads.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = ipaddr.isValid(host);
  const loopback = literal ? ipaddr.process(host).range() === 'loopback' : host === 'localhost' || host.endsWith('.localhost');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowLoopback && loopback)) {
    throw new UnsafeDestinationError('Only https: URLs are allowed');
  }
  if (literal && !isPublicAddress(host, allowLoopback)) throw new UnsafeDestinationError('The address is not public');
  if (!literal && loopback && !allowLoopback) throw new UnsafeDestinationError('The address is not public');
  return url;
}

/** A resolver for sockets that refuses every non-public answer, at connect time. */
export function guardedLookup(allowLoopback: boolean, base: LookupFunction = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    const all: LookupAllOptions = { ...(options as object), all: true };
    base(hostname, all, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: 4 }];
      const refused = list.find((entry) => !isPublicAddress(entry.address, allowLoopback));
      if (list.length === 0 || refused) {
        return callback(new UnsafeDestinationError(`${hostname} resolves to a non-public address`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export function createOutboundHttp(options: OutboundHttpOptions): OutboundHttp {
  const lookup = guardedLookup(options.allowLoopback, options.lookup);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup }),
    'https:': new https.Agent({ keepAlive: true, lookup }),
  };
  const check = (raw: string) => checkDestination(raw, options.allowLoopback);

  return {
    check,
    async request(raw, request = {}) {
      const url = check(raw);
      const transport = url.protocol === 'https:' ? https : http;
      return new Promise<OutboundResponse>((resolve, reject) => {
        const req = transport.request(
          url,
          { method: request.method ?? 'GET', headers: request.headers, agent: agents[url.protocol as 'http:' | 'https:'], timeout: options.timeoutMs },
          (res) => {
            // A redirect is an answer, never followed: it could point anywhere.
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              if (size >= options.maxResponseBytes) return;
              const room = options.maxResponseBytes - size;
              chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
              size += Math.min(chunk.length, room);
              if (size >= options.maxResponseBytes) res.destroy();
            });
            const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
            res.on('end', done);
            res.on('close', done);
            res.on('error', (error) => (size >= options.maxResponseBytes ? done() : reject(error)));
          },
        );
        // The socket's idle timeout, and a deadline for the whole exchange.
        const deadline = setTimeout(() => req.destroy(new Error(`Request timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
        req.on('timeout', () => req.destroy(new Error(`Request timed out after ${options.timeoutMs} ms`)));
        req.on('error', reject);
        req.on('close', () => clearTimeout(deadline));
        req.end(request.body);
      });
    },
  };
}

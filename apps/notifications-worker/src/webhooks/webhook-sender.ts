import { Webhook } from 'standardwebhooks';
import { isBreakerOpen, withBreaker } from '@coachline/runtime/circuit-breaker';
import type { Logger } from '@coachline/runtime/logger';
import { UnsafeDestinationError, type OutboundHttp } from '@coachline/runtime/outbound-http';

/** One message as Standard Webhooks sends it: `id` is the `webhook-id`, the same on every attempt. */
export interface WebhookMessage {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * `delivered`: a 2xx answer; `failed`: anything else (another status, no
 * answer in time, a refused address, the endpoint's breaker open), with the
 * status if there was an answer, null if none, and `sent: false` when the
 * breaker refused before anything was sent; `busy`: the endpoint already has
 * its share of attempts in flight, nothing was sent.
 */
export type AttemptOutcome = { kind: 'delivered'; status: number } | { kind: 'failed'; status: number | null; sent: boolean; error: string } | { kind: 'busy' };

class ReceiverRejectedError extends Error {
  constructor(readonly status: number) {
    super(`the receiver answered ${status}`);
  }
}

export interface WebhookSender {
  /** Never throws: one endpoint's trouble is that delivery's outcome, not the job's. */
  send(endpoint: { id: string; url: string }, secret: string, message: WebhookMessage): Promise<AttemptOutcome>;
  /** Stops the breakers' statistics timers, at shutdown. */
  close(): void;
}

export interface WebhookSenderOptions {
  outbound: OutboundHttp;
  timeoutMs: number;
  logger: Logger;
  /** Attempts in flight to one endpoint at once, in this process. */
  maxInFlightPerEndpoint: number;
  maxBreakers?: number;
}

/**
 * Signs with the `standardwebhooks` package and sends through the
 * outbound-HTTP guard. Per endpoint, a breaker (an endpoint that keeps failing
 * is answered at once for a while, without a request) and a cap on attempts in
 * flight: a receiver that hangs holds at most that many worker slots, each for
 * at most the timeout, so other endpoints' and tenants' deliveries go on.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const post = async (url: string, headers: Record<string, string>, body: string): Promise<number> => {
    const res = await options.outbound.request(url, { method: 'POST', headers, body });
    if (res.status < 200 || res.status >= 300) throw new ReceiverRejectedError(res.status);
    return res.status;
  };
  // Least recently used out: endpoints are tenants' to create, and each breaker keeps timers.
  const breakers = new Map<string, ReturnType<typeof withBreaker<[string, Record<string, string>, string], number>>>();
  const maxBreakers = options.maxBreakers ?? 1000;
  const breakerFor = (endpointId: string) => {
    let breaker = breakers.get(endpointId);
    if (breaker) breakers.delete(endpointId);
    else breaker = withBreaker(`webhook ${endpointId}`, post, { timeoutMs: options.timeoutMs + 1_000, logger: options.logger, isFailure: (error) => !(error instanceof UnsafeDestinationError) });
    breakers.set(endpointId, breaker);
    if (breakers.size > maxBreakers) {
      const [oldest, dropped] = breakers.entries().next().value!;
      breakers.delete(oldest);
      dropped.shutdown();
    }
    return breaker;
  };
  const inFlight = new Map<string, number>();

  return {
    async send(endpoint, secret, message) {
      const running = inFlight.get(endpoint.id) ?? 0;
      if (running >= options.maxInFlightPerEndpoint) return { kind: 'busy' };
      inFlight.set(endpoint.id, running + 1);
      try {
        const body = JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });
        const now = new Date();
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Coachline-Webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(message.id, now, body),
        };
        const status = await breakerFor(endpoint.id)(endpoint.url, headers, body);
        return { kind: 'delivered', status };
      } catch (error) {
        const status = error instanceof ReceiverRejectedError ? error.status : null;
        const open = isBreakerOpen(error);
        const reason = open ? 'not sent: the endpoint failed repeatedly and its breaker is open' : (error as Error).message;
        return { kind: 'failed', status, sent: !open, error: reason.slice(0, 500) };
      } finally {
        const left = (inFlight.get(endpoint.id) ?? 1) - 1;
        if (left > 0) inFlight.set(endpoint.id, left);
        else inFlight.delete(endpoint.id);
      }
    },
    close() {
      for (const breaker of breakers.values()) breaker.shutdown();
      breakers.clear();
    },
  };
}

import webpush from 'web-push';
import type { Logger } from '@coachline/runtime/logger';
import { isBreakerOpen, withBreaker, withRetries } from '@coachline/runtime/circuit-breaker';
import { UnsafeDestinationError, type OutboundHttp } from '@coachline/runtime/outbound-http';

export interface PushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/**
 * `sent`; `gone`: the push service forgot the subscription (404/410), drop the device;
 * `deferred`: the destination's breaker is open, nothing was sent;
 * `failed`: refused, unsafe or still failing after in-process retries.
 */
export type PushResult = 'sent' | 'gone' | 'deferred' | 'failed';

export class PushRejectedError extends Error {
  constructor(readonly status: number) {
    super(`push service answered ${status}`);
  }
}

export interface PushSender {
  readonly publicKey: string;
  /** Never throws: one subscription's trouble is its own outcome, not the job's. */
  send(subscription: PushSubscription, payload: Record<string, unknown>): Promise<PushResult>;
}

/** Development convenience: a VAPID key pair when none is configured (subscriptions then last one process). */
export function vapidKeys(configured: { publicKey?: string; privateKey?: string; subject: string }, logger: Logger): VapidKeys {
  if (configured.publicKey && configured.privateKey) return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject: configured.subject };
  const generated = webpush.generateVAPIDKeys();
  logger.warn('VAPID keys not configured: generated a pair for this process', { vapidPublicKey: generated.publicKey });
  return { ...generated, subject: configured.subject };
}

const retryable = (error: unknown) => !(error instanceof UnsafeDestinationError) && (!(error instanceof PushRejectedError) || error.status === 429 || error.status >= 500);

/**
 * Web Push: web-push encrypts the payload and signs the VAPID JWT; the request
 * goes through the outbound-HTTP guard, because the endpoint is a URL a user
 * gave. One breaker per destination origin, so one tenant's dead push service
 * never holds another's pushes.
 */
export function createPushSender(options: { vapid: VapidKeys; outbound: OutboundHttp; timeoutMs: number; logger: Logger; maxBreakers?: number }): PushSender {
  const deliver = async (subscription: PushSubscription, body: string): Promise<'sent' | 'gone'> => {
    const request = webpush.generateRequestDetails(subscription, body, {
      vapidDetails: options.vapid,
      TTL: 24 * 3600,
      contentEncoding: 'aes128gcm',
    });
    const res = await options.outbound.request(request.endpoint, {
      method: request.method,
      headers: request.headers,
      body: request.body as unknown as Uint8Array,
    });
    if (res.status === 404 || res.status === 410) return 'gone';
    if (res.status < 200 || res.status >= 300) throw new PushRejectedError(res.status);
    return 'sent';
  };
  // Least recently used last out: endpoints are user-given, so the number of origins is too, and each breaker keeps timers.
  const breakers = new Map<string, ReturnType<typeof withBreaker<[PushSubscription, string], 'sent' | 'gone'>>>();
  const maxBreakers = options.maxBreakers ?? 1000;
  const breakerFor = (origin: string) => {
    let breaker = breakers.get(origin);
    if (breaker) breakers.delete(origin);
    else breaker = withBreaker(`web-push ${origin}`, deliver, { timeoutMs: options.timeoutMs, logger: options.logger, isFailure: (error) => !(error instanceof UnsafeDestinationError) });
    breakers.set(origin, breaker);
    if (breakers.size > maxBreakers) {
      const [oldest, dropped] = breakers.entries().next().value!;
      breakers.delete(oldest);
      dropped.shutdown();
    }
    return breaker;
  };
  return {
    publicKey: options.vapid.publicKey,
    async send(subscription, payload) {
      let origin: string;
      try {
        origin = options.outbound.check(subscription.endpoint).origin;
      } catch (error) {
        options.logger.warn('push endpoint refused', { reason: (error as Error).message });
        return 'failed';
      }
      const guarded = breakerFor(origin);
      try {
        return await withRetries(() => guarded(subscription, JSON.stringify(payload)), { attempts: 3, baseDelayMs: 200, retryable });
      } catch (error) {
        if (isBreakerOpen(error)) {
          options.logger.warn('push deferred: destination breaker open', { origin });
          return 'deferred';
        }
        options.logger.warn('push failed', { origin, error: (error as Error).message });
        return 'failed';
      }
    },
  };
}

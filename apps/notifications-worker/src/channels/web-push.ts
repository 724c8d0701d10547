import webpush from 'web-push';
import type { Logger } from '@coachline/runtime/logger';
import { withBreaker, withRetries } from '@coachline/runtime/circuit-breaker';

export interface PushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** `gone`: the push service forgot the subscription (404/410); the device should be dropped. */
export type PushResult = 'sent' | 'gone';

export class PushRejectedError extends Error {
  constructor(readonly status: number) {
    super(`push service answered ${status}`);
  }
}

export interface PushSender {
  readonly publicKey: string;
  send(subscription: PushSubscription, payload: Record<string, unknown>): Promise<PushResult>;
}

/** Development convenience: a VAPID key pair when none is configured (subscriptions then last one process). */
export function vapidKeys(configured: { publicKey?: string; privateKey?: string; subject: string }, logger: Logger): VapidKeys {
  if (configured.publicKey && configured.privateKey) return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject: configured.subject };
  const generated = webpush.generateVAPIDKeys();
  logger.warn('VAPID keys not configured: generated a pair for this process', { vapidPublicKey: generated.publicKey });
  return { ...generated, subject: configured.subject };
}

/**
 * Web Push: web-push encrypts the payload and signs the VAPID JWT; the request
 * itself goes out with fetch, so any https (or, in tests, http) endpoint works.
 */
export function createPushSender(options: { vapid: VapidKeys; timeoutMs: number; logger: Logger }): PushSender {
  const deliver = async (subscription: PushSubscription, body: string): Promise<PushResult> => {
    const request = webpush.generateRequestDetails(subscription, body, {
      vapidDetails: options.vapid,
      TTL: 24 * 3600,
      contentEncoding: 'aes128gcm',
    });
    const res = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: request.body as unknown as Uint8Array,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 404 || res.status === 410) return 'gone';
    if (res.status < 200 || res.status >= 300) throw new PushRejectedError(res.status);
    return 'sent';
  };
  const guarded = withBreaker('web-push', deliver, { timeoutMs: options.timeoutMs, logger: options.logger });
  return {
    publicKey: options.vapid.publicKey,
    send: (subscription, payload) =>
      withRetries(() => guarded(subscription, JSON.stringify(payload)), {
        attempts: 3,
        baseDelayMs: 200,
        // A 4xx other than 429 will not get better by asking again.
        retryable: (error) => !(error instanceof PushRejectedError) || error.status === 429 || error.status >= 500,
      }),
  };
}

import { accessTokenConfigSchema } from '@coachline/runtime/access-token';
import { baseConfigSchema, z } from '@coachline/runtime/config';

export const configSchema = baseConfigSchema.extend(accessTokenConfigSchema.shape).extend({
  /** Socket.io, and /health, /health/ready and /metrics on the same port. */
  REALTIME_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  /** Browser origins allowed for the long-polling transport (WebSockets are not subject to CORS); empty allows none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean)),
  /** Largest message a client may send; a 10,000-character chat message fits with room to spare. */
  REALTIME_MAX_BUFFER_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(64 * 1024),
  /**
   * Per-socket event rate: a token bucket refilled at this rate per second, holding up to the burst.
   * Defaults are strict in production (10/s, burst 30) and loose elsewhere (1,000/s), so local test suites fit.
   */
  REALTIME_EVENTS_PER_SECOND: z.coerce.number().min(0.1).max(10_000).optional(),
  REALTIME_EVENT_BURST: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Sockets one user may hold at once, over every instance; the next handshake is refused with TOO_MANY_CONNECTIONS. */
  REALTIME_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(10),
  /**
   * How long after an unexpected disconnection a client may reconnect with
   * Socket.io's connection state recovery and get the room events it missed
   * (its token is checked again first).
   */
  REALTIME_RECOVERY_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  /** Entries the shared live stream keeps (approximately): it must hold the recovery window's events at peak. */
  REALTIME_STREAM_MAX_LEN: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
  /** How long a socket's presence lease lasts without renewal (renewed at a third of it). */
  REALTIME_PRESENCE_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(90),
}).transform((config) => {
  const production = config.NODE_ENV === 'production';
  return {
    ...config,
    REALTIME_EVENTS_PER_SECOND: config.REALTIME_EVENTS_PER_SECOND ?? (production ? 10 : 1000),
    REALTIME_EVENT_BURST: config.REALTIME_EVENT_BURST ?? (production ? 30 : 1000),
  };
});

export type Config = z.infer<typeof configSchema>;

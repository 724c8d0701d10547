import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';
import type { Database } from '@coachline/db/database';
import { UnauthenticatedError } from '@coachline/domain/errors';
import { isStaff } from '@coachline/domain/roles';
import { clientEvents, rooms } from '@coachline/domain/socket';
import { InvalidAccessTokenError, type AccessClaims, type AccessTokens } from '@coachline/runtime/access-token';
import { createHealthHandler } from '@coachline/runtime/health';
import { createLiveAdapter } from '@coachline/runtime/live-emitter';
import type { Logger } from '@coachline/runtime/logger';
import { prometheus, type MetricsRegistry } from '@coachline/runtime/metrics';
import { Presence } from '@coachline/runtime/presence';
import { checkRedis, type Redis } from '@coachline/runtime/redis';
import { SendMessageUseCase } from '@coachline/use-cases/messaging/send-message.use-case';
import { LogSetUseCase } from '@coachline/use-cases/training/log-set.use-case';
import { MemberAccess } from '@coachline/use-cases/identity/member-access';
import { ackOf, failure } from './ack';
import type { Config } from './config';
import { registerAuthHandlers } from './handlers/auth.handler';
import { registerMessageHandlers } from './handlers/message.handler';
import { registerWorkoutHandlers } from './handlers/workout.handler';
import { TokenBucket } from './rate-limit';
import type { LiveServer, LiveSocket } from './socket-types';

/** The handshake refusal a client sees as `connect_error`: message `UNAUTHENTICATED`, details in `data`. */
function unauthenticated(message: string): Error {
  return Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED', message } });
}

const KNOWN_EVENTS = new Set<unknown>(Object.keys(clientEvents));

export type RealtimeSettings = Pick<
  Config,
  'CORS_ORIGINS' | 'REALTIME_MAX_BUFFER_BYTES' | 'REALTIME_EVENTS_PER_SECOND' | 'REALTIME_EVENT_BURST' | 'REALTIME_PRESENCE_LEASE_SECONDS' | 'REALTIME_MAX_CONNECTIONS_PER_USER' | 'REALTIME_RECOVERY_SECONDS' | 'REALTIME_STREAM_MAX_LEN'
>;

export interface RealtimeDeps {
  config: RealtimeSettings;
  logger: Logger;
  db: Database;
  /** Presence and the adapter's connections (duplicated from it) use this Redis. */
  redis: Redis;
  tokens: AccessTokens;
  metrics: MetricsRegistry;
}

export interface RealtimeServer {
  io: LiveServer;
  httpServer: http.Server;
  /** Listens and resolves to the bound port (0 picks a free one). */
  listen(port: number): Promise<number>;
  /** Stops accepting, disconnects every socket (updating presence), and closes its Redis connections. */
  close(): Promise<void>;
}

/**
 * Socket.io for live workouts, messaging and presence, joined to every other
 * instance through the Redis adapter. /health, /health/ready and /metrics are
 * served on the same port.
 */
export function createRealtimeServer(deps: RealtimeDeps): RealtimeServer {
  const { config, logger, db, redis, tokens } = deps;
  const instanceId = randomUUID();
  const adapterRedis = redis.duplicate();
  adapterRedis.on('error', (error: Error) => logger.warn('adapter redis error', { error: error.message }));
  // The adapter fires some commands without handling their promises (a session saved on disconnect, an ephemeral publish):
  // during a Redis outage each would be an unhandled rejection, which ends the process.
  for (const command of ['set', 'publish'] as const) {
    const original = adapterRedis[command].bind(adapterRedis) as (...args: unknown[]) => Promise<unknown>;
    (adapterRedis as unknown as Record<string, unknown>)[command] = (...args: unknown[]) =>
      original(...args).catch((error: Error) => {
        logger.warn('adapter command failed', { command, error: error.message });
        return null;
      });
  }

  const health = createHealthHandler({ db: () => db.ping(), redis: () => checkRedis(redis) }, deps.metrics);
  const httpServer = http.createServer((req, res) => {
    health(req, res)
      .then((handled) => {
        if (!handled) res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'not_found' }));
      })
      .catch(() => res.writeHead(500).end());
  });

  const io: LiveServer = new Server(httpServer, {
    maxHttpBufferSize: config.REALTIME_MAX_BUFFER_BYTES,
    // The Redis Streams adapter: it joins the instances and keeps what was broadcast, with offsets, for recovery.
    adapter: createLiveAdapter(adapterRedis, { maxLen: config.REALTIME_STREAM_MAX_LEN }),
    // A client that dropped gets its rooms back and the room events it missed; the middlewares (the token check) run again first.
    connectionStateRecovery: { maxDisconnectionDuration: config.REALTIME_RECOVERY_SECONDS * 1000, skipMiddlewares: false },
    serveClient: false,
    cors: { origin: config.CORS_ORIGINS },
  });

  // Their broadcasts go out through this server's adapter, to clients of every instance.
  const logSet = new LogSetUseCase(db, io, logger);
  const sendMessage = new SendMessageUseCase(db, io, logger);
  const access = new MemberAccess(db);

  const connected = new prometheus.Gauge({ name: 'realtime_connected_sockets', help: 'Sockets connected to this instance', registers: [deps.metrics] });
  const events = new prometheus.Counter({ name: 'realtime_events_total', help: 'Client events received', labelNames: ['event', 'outcome'], registers: [deps.metrics] });

  const presence = new Presence(redis, config.REALTIME_PRESENCE_LEASE_SECONDS * 1000);
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error: Error) => logger.warn('presence update failed', { error: error.message })).finally(() => pending.delete(settled));
    pending.add(settled);
  };
  const announce = (tenantId: string, userId: string, online: boolean) => {
    io.to(rooms.coaches(tenantId)).emit('presence:update', { userId, online });
  };
  const memberOf = (socket: LiveSocket) => `${instanceId}:${socket.id}`;

  io.use((socket, next) => {
    // Browsers send the token in `auth`; other clients may use the Authorization header instead.
    const bearer = /^Bearer (\S+)$/.exec(socket.handshake.headers.authorization ?? '')?.[1];
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token ?? bearer;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return next(unauthenticated('An access token is required in auth.token.'));
    let claims: AccessClaims;
    try {
      claims = tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return next(unauthenticated('The access token is invalid or expired.'));
      return next(error as Error);
    }
    // A recovered socket comes back with its rooms: only its own user may take them back.
    if (socket.recovered && (socket.data.userId !== claims.userId || socket.data.tenantId !== claims.tenantId)) {
      return next(unauthenticated('The access token belongs to another user than the session being recovered.'));
    }
    // The socket is the member's current role, which picks its rooms; a removed member or an ended session is refused.
    access.currentRole(claims, { fresh: true }).then(
      (role) => {
        socket.data = { ...claims, role };
        next();
      },
      (error: Error) => {
        if (error instanceof UnauthenticatedError) return next(unauthenticated(error.message));
        // Postgres unreachable: the client retries; what failed stays in the log, never in its answer.
        logger.warn('handshake access check failed', { error: error.message });
        next(Object.assign(new Error('SERVICE_UNAVAILABLE'), { data: { code: 'SERVICE_UNAVAILABLE', message: 'Try again shortly.' } }));
      },
    );
  });

  // After the token: the count is per user, and the sockets already open are left alone.
  io.use((socket, next) => {
    const { tenantId, userId } = socket.data;
    const limit = config.REALTIME_MAX_CONNECTIONS_PER_USER;
    presence.admit(tenantId, userId, memberOf(socket), limit).then(
      (admitted) =>
        admitted
          ? next()
          : next(Object.assign(new Error('TOO_MANY_CONNECTIONS'), { data: { code: 'TOO_MANY_CONNECTIONS', message: `At most ${limit} connections per user; close one first.` } })),
      (error: Error) => {
        // Presence is advisory: a Redis hiccup must not lock every user out.
        logger.warn('connection limit check failed', { error: error.message });
        next();
      },
    );
  });

  const renewal = setInterval(
    () => {
      const entries = [...io.of('/').sockets.values()].map((s) => ({ tenantId: s.data.tenantId, userId: s.data.userId, member: memberOf(s) }));
      track(presence.renew(entries));
      // Users whose sockets all lived on an instance that died without saying goodbye.
      track(
        presence.sweep().then((gone) => {
          for (const { tenantId, userId } of gone) announce(tenantId, userId, false);
        }),
      );
    },
    (config.REALTIME_PRESENCE_LEASE_SECONDS * 1000) / 3,
  );
  renewal.unref();

  io.on('connection', (socket) => {
    const { tenantId, userId, role, sessionId, expiresAt } = socket.data;
    connected.inc();
    // The user's room and the session's close the socket when the member is removed or changes role, or the session ends.
    void socket.join([rooms.user(tenantId, userId), ...(sessionId ? [rooms.session(tenantId, sessionId)] : []), ...(isStaff(role) ? [rooms.coaches(tenantId)] : [])]);

    // The token's signature and expiry were checked at the handshake; when it expires the socket goes too, unless
    // auth:refresh handed it a newer token first. A timer cannot wait past 2^31 - 1 ms, nor does a token live that long.
    let expiry = setTimeout(() => socket.disconnect(true), Math.max(0, expiresAt * 1000 - Date.now()));
    const extendLife = (newExpiresAt: number) => {
      clearTimeout(expiry);
      expiry = setTimeout(() => socket.disconnect(true), Math.max(0, newExpiresAt * 1000 - Date.now()));
    };

    const bucket = new TokenBucket(config.REALTIME_EVENTS_PER_SECOND, config.REALTIME_EVENT_BURST);
    socket.use((packet, next) => {
      // Event names come from clients; only known ones become metric labels, so labels stay bounded.
      const event = KNOWN_EVENTS.has(packet[0]) ? packet[0] : 'other';
      if (bucket.take()) {
        events.inc({ event, outcome: 'accepted' });
        return next();
      }
      events.inc({ event, outcome: 'rate_limited' });
      ackOf(packet.slice(1))(failure('RATE_LIMITED', 'Too many events; slow down.'));
    });

    registerWorkoutHandlers(socket, db, logSet, { logger, access });
    registerMessageHandlers(socket, sendMessage, { logger, access });
    registerAuthHandlers(socket, tokens, { logger, access }, extendLife);

    track(
      presence.connect(tenantId, userId, memberOf(socket)).then((count) => {
        if (count === 1 && socket.connected) announce(tenantId, userId, true);
      }),
    );
    socket.on('disconnect', () => {
      connected.dec();
      clearTimeout(expiry);
      track(
        presence.disconnect(tenantId, userId, memberOf(socket)).then((count) => {
          if (count === 0) announce(tenantId, userId, false);
        }),
      );
    });
  });

  return {
    io,
    httpServer,
    listen(port) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, () => resolve((httpServer.address() as AddressInfo).port));
      });
    },
    async close() {
      clearInterval(renewal);
      // This instance's sockets only: through the adapter, io.disconnectSockets would close every instance's.
      io.local.disconnectSockets(true);
      await io.close();
      while (pending.size > 0) await Promise.all([...pending]);
      await adapterRedis.quit().catch(() => undefined);
    },
  };
}

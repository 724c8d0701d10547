import { io as connect, type Socket } from 'socket.io-client';
import type { Gateway } from '@coachline/api-gateway/testing/gateway-harness';
import type { ClientToServerEvents, ServerToClientEvents } from '@coachline/domain/socket';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';
import { configSchema } from '@coachline/realtime/config';
import { createRealtimeServer } from '@coachline/realtime/realtime-server';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A realtime server beside a test's gateway: the gateway's signing key, database
 * and token checks, a Redis connection of its own, so what the gateway and the
 * workers publish reaches real socket.io clients.
 */
export async function startLiveRealtime(gw: Gateway) {
  const config = loadConfig(configSchema, { JWT_SECRET: gw.deps.config.JWT_SECRET, LOG_LEVEL: 'silent' });
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
  const server = createRealtimeServer({ config, logger: createLogger('realtime', 'silent'), db: gw.deps.db, redis, tokens: gw.deps.tokens, metrics: createMetricsRegistry('realtime') });
  const url = `http://127.0.0.1:${await server.listen(0)}`;
  const sockets: LiveClient[] = [];

  return {
    url,
    server,
    /** A connected socket for `user`, closed by `close`. */
    connect(user: { accessToken: string }): Promise<LiveClient> {
      const socket: LiveClient = connect(url, { auth: { token: user.accessToken }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    },
    async close(): Promise<void> {
      for (const socket of sockets) socket.disconnect();
      await server.close();
      await redis.quit();
    },
  };
}

export type LiveRealtime = Awaited<ReturnType<typeof startLiveRealtime>>;

// A Socket.io server in its own process, so its memory is measured without the
// clients': `coachline` is the real realtime server, `echo` a bare Socket.io
// server that acks and rebroadcasts to a room, the baseline. Both join the
// other processes of their kind through the same Redis Streams adapter.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { createDatabase } from '@coachline/db/database';
import { AccessTokens } from '@coachline/runtime/access-token';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createLiveAdapter } from '@coachline/runtime/live-emitter';
import { createRedis } from '@coachline/runtime/redis';
import { configSchema } from '@coachline/realtime/config';
import { createRealtimeServer } from '@coachline/realtime/realtime-server';

const mode = process.argv[2];

async function start(): Promise<number> {
  const config = loadConfig(configSchema);
  if (mode === 'coachline') {
    const tokens = new AccessTokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
    const db = createDatabase({ url: config.DATABASE_URL, poolSize: 10 });
    const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
    const server = createRealtimeServer({ config, logger: createLogger('realtime', 'error'), db, redis, tokens, metrics: createMetricsRegistry('realtime') });
    return server.listen(0);
  }
  const httpServer = http.createServer();
  const adapterRedis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
  const io = new Server(httpServer, { maxHttpBufferSize: config.REALTIME_MAX_BUFFER_BYTES, serveClient: false, adapter: createLiveAdapter(adapterRedis, { maxLen: config.REALTIME_STREAM_MAX_LEN }) });
  io.on('connection', (socket) => {
    socket.on('workout:join', (payload: { workoutId: string }, ack: (r: unknown) => void) => {
      void socket.join(payload.workoutId);
      ack({ ok: true });
    });
    socket.on('set:complete', (payload: { workoutId: string }, ack: (r: unknown) => void) => {
      ack({ ok: true, set: payload });
      io.to(payload.workoutId).emit('set:completed', { workoutId: payload.workoutId, set: payload });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, resolve));
  return (httpServer.address() as AddressInfo).port;
}

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

process.on('message', (message) => {
  if (message === 'memory') process.send!({ type: 'memory', memory: memory() });
});
start().then(
  (port) => process.send!({ type: 'ready', port }),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
// An orderly exit on SIGINT, so that a CPU profile (BENCH_PROFILE_DIR) is written.
process.once('SIGINT', () => process.exit(0));

import { createDatabase, databaseOptions } from '@coachline/db/database';
import { AccessTokens } from '@coachline/runtime/access-token';
import type { Logger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';
import type { Closer } from '@coachline/runtime/shutdown';
import type { Config } from './config';
import { createRealtimeServer } from './realtime-server';

/** Serves Socket.io on REALTIME_PORT; main.ts loads this module once tracing is on. */
export async function start(config: Config, logger: Logger): Promise<Closer[]> {
  const db = createDatabase(databaseOptions(config, 'realtime'));
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
  const metrics = createMetricsRegistry('realtime');
  const tokens = new AccessTokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });

  const server = createRealtimeServer({ config, logger, db, redis, tokens, metrics });
  const port = await server.listen(config.REALTIME_PORT);
  logger.info('realtime listening', { port });

  return [
    { name: 'socket.io', close: () => server.close() },
    { name: 'redis', close: () => redis.quit() },
    { name: 'postgres', close: () => db.close() },
  ];
}

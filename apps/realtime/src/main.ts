// First: tracing must start before the modules it instruments are loaded.
import { stopTracing } from './instrumentation';
import { createDatabase, databaseOptions } from '@coachline/db/database';
import { AccessTokens } from '@coachline/runtime/access-token';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';
import { registerShutdown } from '@coachline/runtime/shutdown';
import { loadAppConfig } from './config';
import { createRealtimeServer } from './realtime-server';

const config = loadAppConfig();
const logger = createLogger('realtime', config.LOG_LEVEL);
const db = createDatabase(databaseOptions(config, 'realtime'));
const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
const metrics = createMetricsRegistry('realtime');
const tokens = new AccessTokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });

const server = createRealtimeServer({ config, logger, db, redis, tokens, metrics });
server.listen(config.REALTIME_PORT).then(
  (port) => logger.info('realtime listening', { port }),
  (error: Error) => {
    logger.error('realtime failed to listen', { error: error.message });
    process.exit(1);
  },
);

registerShutdown(logger, [
  { name: 'socket.io', close: () => server.close() },
  { name: 'redis', close: () => redis.quit() },
  { name: 'postgres', close: () => db.close() },
  { name: 'tracing', close: stopTracing },
]);

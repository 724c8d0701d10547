import { createDatabase } from '@coachline/db/database';
import { AccessTokens } from '@coachline/runtime/access-token';
import { createLogger } from '@coachline/runtime/logger';
import { createLiveEmitter } from '@coachline/runtime/live-emitter';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';
import { registerShutdown } from '@coachline/runtime/shutdown';
import { startTracing } from '@coachline/runtime/tracing';
import { createApp } from './app';
import { loadGatewayConfig } from './config';

const config = loadGatewayConfig();
const stopTracing = startTracing({ serviceName: 'api-gateway', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, enabled: config.OTEL_ENABLED });
const logger = createLogger('api-gateway', config.LOG_LEVEL);
const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'api-gateway' });
// The gateway never waits on Redis: rate limits fail fast (open or closed by policy), and it enqueues nothing.
const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
const metrics = createMetricsRegistry('api-gateway');
const tokens = new AccessTokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });

// The emitter's own connection, with ioredis's usual retries: a publish waits out a short Redis blip.
const liveRedis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
const live = createLiveEmitter(liveRedis, (error) => logger.warn('live publish failed', { error: error.message }));

const app = createApp({ config, logger, db, redis, metrics, tokens, live });
const server = app.listen(config.PORT, () => logger.info('api-gateway listening', { port: config.PORT }));

registerShutdown(logger, [
  { name: 'http', close: () => new Promise((resolve) => server.close(() => resolve(undefined))) },
  { name: 'redis', close: () => Promise.all([redis.quit(), liveRedis.quit()]) },
  { name: 'postgres', close: () => db.close() },
  { name: 'tracing', close: stopTracing },
]);

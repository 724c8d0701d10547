import { createDatabase } from '@coachline/db/database';
import { loadGatewayConfig } from '@coachline/api-gateway/config';
import { createApp } from '@coachline/api-gateway/app';
import { AccessTokens } from '@coachline/runtime/access-token';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis } from '@coachline/runtime/redis';

/** The real gateway, wired as main.ts wires it, for the benchmark to load. */
const config = loadGatewayConfig();
const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: config.DATABASE_POOL_SIZE });
const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
const tokens = new AccessTokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
const app = createApp({ config, logger: createLogger('api-gateway', 'error'), db, redis, metrics: createMetricsRegistry('api-gateway'), tokens });
const server = app.listen(config.PORT);
process.once('SIGTERM', () => {
  server.close(() => {
    redis.disconnect();
    void db.close().then(() => process.exit(0));
  });
  server.closeAllConnections();
});

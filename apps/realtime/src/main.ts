import http from 'node:http';
import { createDatabase } from '@coachline/db/database';
import { createHealthHandler } from '@coachline/runtime/health';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { checkRedis, createRedis } from '@coachline/runtime/redis';
import { registerShutdown } from '@coachline/runtime/shutdown';
import { startTracing } from '@coachline/runtime/tracing';
import { loadAppConfig } from './config';

const config = loadAppConfig();
const stopTracing = startTracing({ serviceName: 'realtime', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, enabled: config.OTEL_ENABLED });
const logger = createLogger('realtime', config.LOG_LEVEL);
const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'realtime' });
const redis = createRedis(config.REDIS_URL);
const metrics = createMetricsRegistry('realtime');

const health = createHealthHandler({ db: () => db.ping(), redis: () => checkRedis(redis) }, metrics);
const server = http.createServer((req, res) => {
  void health(req, res).then((handled) => {
    if (!handled) res.writeHead(404).end();
  });
});
server.listen(config.REALTIME_PORT, () => logger.info('realtime listening', { port: config.REALTIME_PORT }));

registerShutdown(logger, [
  { name: 'http', close: () => new Promise((resolve) => server.close(() => resolve(undefined))) },
  { name: 'redis', close: () => redis.quit() },
  { name: 'postgres', close: () => db.close() },
  { name: 'tracing', close: stopTracing },
]);

import type { Queue } from 'bullmq';
import express from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { Database } from '@coachline/db/database';
import { NotFoundError } from '@coachline/domain/errors';
import type { QueueName } from '@coachline/domain/queues';
import type { AccessTokens } from '@coachline/runtime/access-token';
import type { LiveEmitter } from '@coachline/runtime/live-emitter';
import { createHealthHandler } from '@coachline/runtime/health';
import type { Logger } from '@coachline/runtime/logger';
import type { MetricsRegistry } from '@coachline/runtime/metrics';
import { checkRedis, type Redis } from '@coachline/runtime/redis';
import type { Storage } from '@coachline/runtime/storage';
import type { GatewayConfig } from './config';
import { accessLog } from './http/access-log.middleware';
import { httpMetrics } from './http/metrics.middleware';
import { buildAsyncApiDocument } from './http/asyncapi';
import { buildOpenApiDocument } from './http/openapi';
import { problemHandler } from './http/problem';
import { requestContext } from './http/request-context.middleware';
import { securityHeaders } from './http/security-headers.middleware';
import { API_PREFIX, mountMethodGuards, mountRoute } from './http/route';
import { clientIp, createLimiter } from './guards/rate-limit';
import { createPipeline } from './pipeline';
import { mountQueueDashboard } from './modules/admin/queue-dashboard';
import { createRoutes } from './routes';
import type { StripeClient } from './modules/payments/stripe.client';
import type { ProviderRegistry } from '@coachline/runtime/providers/provider-registry';
import type { FeatureFlags } from './modules/features/feature-flags';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  db: Database;
  redis: Redis;
  metrics: MetricsRegistry;
  tokens: AccessTokens;
  /** Media bytes; the gateway only presigns and inspects, bytes never pass through it. */
  storage: Storage;
  /** Socket.io Redis emitter: live updates to clients of any realtime instance, after commit. */
  live: LiveEmitter;
  /** Read handles on every queue, for operators' dashboard and the admin stats' depths; the gateway enqueues nothing. */
  queues: Record<QueueName, Queue>;
  /** Stripe's SDK, on the organization's connected accounts; undefined where payments are not configured. */
  stripe: StripeClient | undefined;
  /** Fitness providers (Strava): their OAuth clients, breakers and shared rate budget. */
  providers: ProviderRegistry;
  /** Feature flags through OpenFeature, per tenant. */
  features: FeatureFlags;
}

/** Builds the whole HTTP app from its dependencies; only main.ts listens, so tests run it with supertest. */
export function createApp(deps: GatewayDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.set('query parser', 'simple');

  app.use(requestContext());
  const logRequests = accessLog(deps.logger);
  if (logRequests) app.use(logRequests);
  app.use(
    securityHeaders({
      corsOrigins: deps.config.CORS_ORIGINS,
      exposedHeaders: ['X-Request-Id', 'Api-Version', 'Allow', 'WWW-Authenticate', 'Retry-After', 'Idempotent-Replayed', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    }),
  );

  app.use(httpMetrics(deps.metrics, API_PREFIX));

  // The API first: every request to it would otherwise pass the layers of health, docs and the dashboard.
  const routes = createRoutes(deps);
  const pipeline = createPipeline(deps);
  const parseBody = express.json({ limit: '1mb', strict: true });
  for (const definition of routes) mountRoute(app, definition, pipeline, parseBody);
  mountMethodGuards(app, routes);

  const health = createHealthHandler({ db: () => deps.db.ping(), redis: () => checkRedis(deps.redis) }, deps.metrics);
  app.get(['/health', '/health/ready', '/metrics'], async (req, res, next) => {
    if (!(await health(req, res))) next();
  });

  mountQueueDashboard(
    app,
    deps.queues,
    deps.config.QUEUE_DASHBOARD_CREDENTIALS,
    createLimiter(deps.redis, { name: 'dashboard-ip', windowSeconds: 900, limit: deps.config.QUEUE_DASHBOARD_FAILED_LOGINS_PER_IP, key: clientIp, failClosed: true, countFailuresOnly: true }),
  );
  const document = buildOpenApiDocument(routes, { version: '1.0.0', serverUrl: deps.config.PUBLIC_APP_URL });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // The live socket's contract, from the same event maps the realtime server validates with.
  const asyncApiDocument = buildAsyncApiDocument({ version: '1.0.0', serverUrl: deps.config.PUBLIC_APP_URL });
  app.get('/asyncapi.json', (_req, res) => {
    res.json(asyncApiDocument);
  });
  // Swagger UI needs inline scripts and styles, so the docs alone get a relaxed policy.
  app.use('/docs', helmet({ contentSecurityPolicy: false }), swaggerUi.serve, swaggerUi.setup(document));


  app.use(() => {
    throw new NotFoundError('No such route.');
  });
  app.use(problemHandler(deps.logger));
  return app;
}

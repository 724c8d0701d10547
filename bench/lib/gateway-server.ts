import { createApp } from '@coachline/api-gateway/app';
import { gatewayConfigSchema } from '@coachline/api-gateway/config';
import { createGatewayDeps } from '@coachline/api-gateway/deps';
import { createHttpServer } from '@coachline/api-gateway/http/server';
import { loadConfig } from '@coachline/runtime/config';

/** The real gateway, wired as main.ts wires it, for the benchmark to load. */
const { deps, close } = createGatewayDeps(loadConfig(gatewayConfigSchema));
const server = createHttpServer(createApp(deps)).listen(deps.config.PORT);
process.once('SIGTERM', () => {
  // Handlers of requests whose client hung up may still be waiting for a connection: let them drain first.
  server.close(() => setTimeout(() => void close().then(() => process.exit(0)), 1000));
  // In-flight requests finish before the pool closes; the load generator has already hung up.
  server.closeIdleConnections();
});

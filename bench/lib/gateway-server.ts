import { createApp } from '@coachline/api-gateway/app';
import { loadGatewayConfig } from '@coachline/api-gateway/config';
import { createGatewayDeps } from '@coachline/api-gateway/deps';

/** The real gateway, wired as main.ts wires it, for the benchmark to load. */
const { deps, close } = createGatewayDeps(loadGatewayConfig());
const server = createApp(deps).listen(deps.config.PORT);
process.once('SIGTERM', () => {
  server.close(() => void close().then(() => process.exit(0)));
  server.closeAllConnections();
});

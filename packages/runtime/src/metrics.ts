import client from 'prom-client';

export type MetricsRegistry = client.Registry;

/** A registry per process with prom-client's default process and Node.js metrics. */
export function createMetricsRegistry(service: string): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  return registry;
}

export { client as prometheus };

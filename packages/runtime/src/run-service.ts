import type { z } from 'zod';
import { loadConfig, type BaseConfig } from './config';
import type { Logger } from './logger';
import { registerShutdown, type Closer } from './shutdown';
import { startTracing } from './tracing';

export interface ServiceDefinition<C extends BaseConfig> {
  /** Names the process in its logs and traces. */
  name: string;
  configSchema: z.ZodType<C>;
  /**
   * Loads the app with `await import(...)` and starts it. It runs once tracing
   * is on: the instrumentations patch pg, ioredis, express and the rest only as
   * they are first loaded, so nothing of the app may be imported before.
   * Resolves with the shutdown steps, run in the order given.
   */
  start: (config: C, logger: Logger) => Promise<Closer[]>;
}

/**
 * The shell of every service process: parses its configuration once, starts
 * tracing, then the app; on SIGTERM or SIGINT runs the app's shutdown steps and
 * stops tracing last. A process that cannot start logs why and exits 1.
 */
export async function runService<C extends BaseConfig>(service: ServiceDefinition<C>): Promise<void> {
  let config: C;
  try {
    config = loadConfig(service.configSchema);
  } catch (error) {
    // No logger yet: its level is part of the configuration that failed.
    process.stderr.write(`${service.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const stopTracing = startTracing({ serviceName: service.name, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, enabled: config.OTEL_ENABLED });
  // After tracing too: winston is one of the modules it patches, to stamp trace ids on log lines.
  const { createLogger } = await import('./logger.js');
  const logger = createLogger(service.name, config.LOG_LEVEL);
  // Listening for signals before the start: one that comes while the app starts stops it cleanly once it has.
  const closers = service.start(config, logger).then((steps) => [...steps, { name: 'tracing', close: stopTracing }]);
  registerShutdown(logger, closers);
  try {
    await closers;
  } catch (error) {
    logger.error('failed to start', { error: error instanceof Error ? error.stack : String(error) });
    process.exit(1);
  }
}

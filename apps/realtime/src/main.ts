import { runService } from '@coachline/runtime/run-service';
import { configSchema } from './config';

// The app is imported inside start, after runService has started tracing: the
// instrumentations patch pg, ioredis and the rest only as they are first loaded.
void runService({
  name: 'realtime',
  configSchema: configSchema,
  start: async (config, logger) => (await import('./start.js')).start(config, logger),
});

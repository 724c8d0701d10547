import { Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from '@coachline/domain/queues';
import { loadConfig } from '@coachline/runtime/config';
import { createRedis } from '@coachline/runtime/redis';
import { configSchema } from '../config';
import { replayFailed } from './dead-letter';

/** `pnpm --filter @coachline/scheduler replay-failed <queue>`: re-runs the dead-letter set of one queue. */
async function main() {
  const name = process.argv[2] as QueueName | undefined;
  if (!name || !QUEUE_NAMES.includes(name)) {
    console.error(`usage: replay-failed <queue>, one of ${QUEUE_NAMES.join(', ')}`);
    process.exit(2);
  }
  const config = loadConfig(configSchema);
  const redis = createRedis(config.REDIS_URL);
  const queue = new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX });
  try {
    const count = await replayFailed(queue);
    console.log(`replayed ${count} failed job(s) of queue "${name}"`);
  } finally {
    await queue.close();
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

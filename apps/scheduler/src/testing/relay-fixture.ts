import { randomUUID } from 'node:crypto';
import { createDatabase } from '@coachline/db/database';
import { tenants } from '@coachline/db/schema/index';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { createRedis } from '@coachline/runtime/redis';
import { configSchema } from '../config';

/** Real Postgres and Redis for relay tests, with a queue prefix of their own so parallel files never share jobs. */
export function relayFixture() {
  const config = loadConfig(configSchema, { LOG_LEVEL: 'silent' });
  const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 5 });
  const redis = createRedis(config.REDIS_URL);
  const prefix = `{t-${randomUUID().slice(0, 8)}}`;
  const logger = createLogger('scheduler-test', 'silent');
  const tenantIds: string[] = [];
  return {
    db,
    redis,
    prefix,
    logger,
    listenUrl: config.DATABASE_SYSTEM_URL ?? config.DATABASE_URL,
    /** Relays in tests only see these tenants' events, not those of other test files. */
    scope: () => tenantIds,
    async tenant(): Promise<string> {
      const id = randomUUID();
      await db.withTenant({ tenantId: id }, (tx) => tx.insert(tenants).values({ id, name: `relay test ${id.slice(0, 6)}` }));
      tenantIds.push(id);
      return id;
    },
    async close() {
      await redis.quit().catch(() => undefined);
      await db.close();
    },
  };
}

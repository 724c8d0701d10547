import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index';

export type Schema = typeof schema;
/** A transaction bound to one tenant (or to the system role); repositories take it as their first argument. */
export type Tx = NodePgDatabase<Schema>;

export interface DatabaseOptions {
  /** The app role: no BYPASSRLS, not the table owner. */
  url: string;
  /** The system role, for work that spans tenants. Defaults to `url` where only one role is configured. */
  systemUrl?: string;
  poolSize?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
}

export interface Database {
  /** Runs `fn` in one transaction whose row-level security sees only `tenantId`. */
  withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction as the system role, which sees every tenant. */
  withSystem<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly appPool: pg.Pool;
  readonly systemPool: pg.Pool;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidTenantIdError extends Error {}

export function createDatabase(options: DatabaseOptions): Database {
  const poolOptions = (connectionString: string): pg.PoolConfig => ({
    connectionString,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'coachline',
    statement_timeout: options.statementTimeoutMs ?? 15_000,
  });
  const appPool = new pg.Pool(poolOptions(options.url));
  const systemPool = options.systemUrl ? new pg.Pool(poolOptions(options.systemUrl)) : appPool;
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  appPool.on('error', () => undefined);
  if (systemPool !== appPool) systemPool.on('error', () => undefined);

  const bound = new WeakMap<pg.PoolClient, Tx>();
  const txOf = (client: pg.PoolClient) => {
    let tx = bound.get(client);
    if (!tx) {
      tx = drizzle(client, { schema });
      bound.set(client, tx);
    }
    return tx;
  };

  async function inTransaction<T>(pool: pg.Pool, begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      // BEGIN and the tenant setting travel in one round trip (a simple-protocol batch).
      await client.query(begin);
      const result = await fn(txOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  return {
    appPool,
    systemPool,
    withTenant(tenantId, fn) {
      // The id is interpolated into the batch, so it must be exactly a UUID.
      if (!UUID.test(tenantId)) return Promise.reject(new InvalidTenantIdError(`Invalid tenant id`));
      return inTransaction(appPool, `BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true)`, fn);
    },
    withSystem(fn) {
      return inTransaction(systemPool, 'BEGIN', fn);
    },
    async ping() {
      await appPool.query('SELECT 1');
    },
    async close() {
      await appPool.end();
      if (systemPool !== appPool) await systemPool.end();
    },
  };
}

export { sql };

import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { TenantScope } from '@coachline/domain/actor';
import * as schema from './schema/index';
import { StatementBatchingClient, type BatchedStatement } from './statement-batch';

export type Schema = typeof schema;
/** A transaction, whoever it runs for; repositories take the scoped kinds below. */
export type Tx = NodePgDatabase<Schema>;

declare const tenantScoped: unique symbol;
declare const systemScoped: unique symbol;

/**
 * A transaction whose row-level security sees one tenant, carrying the scope it
 * runs for: tenant repositories read the tenant from `tx.scope`, and events and
 * audit rows take their request id and trace from it, so none can be passed
 * apart from the transaction and disagree with it.
 */
export type TenantTx = Tx & { readonly scope: TenantScope; readonly [tenantScoped]: true };

/**
 * A transaction as the system role, which sees every tenant. A distinct type,
 * so a tenant repository cannot be handed one by mistake: work that spans
 * tenants goes through repositories written for it.
 */
export type SystemTx = Tx & { readonly [systemScoped]: true };

/** A row for a tenant table as a tenant repository takes it: the tenant comes from the transaction. */
export type NewRow<Table extends { $inferInsert: { tenantId: string } }> = Omit<Table['$inferInsert'], 'tenantId'>;

export interface DatabaseOptions {
  /** The app role: no BYPASSRLS, not the table owner. */
  url: string;
  /** The system role, for work that spans tenants. Defaults to `url` where only one role is configured. */
  systemUrl?: string;
  poolSize?: number;
  /** How long taking a connection may wait before it fails; unset waits as long as the driver does (forever). */
  connectTimeoutMs?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
  /**
   * Whether batched named statements run as PREPAREd statements (the default).
   * Turn it off when a pooler in transaction mode (PgBouncer) sits in front of
   * Postgres: a statement PREPAREd on one server connection is unknown on the
   * next, and poolers track only the protocol's own prepared statements.
   */
  prepareInBatches?: boolean;
}

export interface Database {
  /** Runs `fn` in one transaction whose row-level security sees only the scope's tenant. */
  withTenant<T>(scope: TenantScope, fn: (tx: TenantTx) => Promise<T>): Promise<T>;
  /**
   * Runs exactly one read statement as the tenant, in a single round trip: the
   * tenant setting and the statement travel as one batch, which Postgres runs as
   * one implicit transaction. For hot read paths; anything else uses withTenant.
   */
  readAsTenant<T>(scope: TenantScope, fn: (tx: TenantTx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction as the system role, which sees every tenant. */
  withSystem<T>(fn: (tx: SystemTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction that every `withTenant` and `readAsTenant`
   * given this same scope object joins instead of opening its own, so a
   * request's work and its bookkeeping (an Idempotency-Key's stored response)
   * commit together or not at all. After-commit work waits for this commit.
   */
  unitOfWork<T>(scope: TenantScope, fn: (tx: TenantTx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly appPool: pg.Pool;
  readonly systemPool: pg.Pool;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidTenantIdError extends Error {}

/** The database settings every app reads (the shared base config). */
export interface DatabaseSettings {
  DATABASE_URL: string;
  DATABASE_SYSTEM_URL?: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_TRANSACTION_POOLER: boolean;
}

/** An app's pool options from its settings, in one place so that no app misses one. */
export function databaseOptions(settings: DatabaseSettings, applicationName: string): DatabaseOptions {
  return {
    url: settings.DATABASE_URL,
    systemUrl: settings.DATABASE_SYSTEM_URL,
    poolSize: settings.DATABASE_POOL_SIZE,
    connectTimeoutMs: settings.DATABASE_CONNECT_TIMEOUT_MS,
    prepareInBatches: !settings.DATABASE_TRANSACTION_POOLER,
    applicationName,
  };
}

export function createDatabase(options: DatabaseOptions): Database {
  const poolSize = options.poolSize ?? 10;
  const poolOptions = (connectionString: string): pg.PoolConfig => ({
    connectionString,
    max: poolSize,
    // A fixed-size pool: connections opened under load stay open. pg-pool closes
    // those idle for 10 s by default and takes the most recently used first, so
    // under a steady moderate load the spare ones idled out and every burst paid
    // for new connections (connecting, authenticating, preparing statements again) in its p99; and
    // each release armed a timer to close the connection.
    min: poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 0,
    application_name: options.applicationName ?? 'coachline',
    statement_timeout: options.statementTimeoutMs ?? 15_000,
  });
  const appPool = new pg.Pool(poolOptions(options.url));
  const systemPool = options.systemUrl ? new pg.Pool(poolOptions(options.systemUrl)) : appPool;
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  // pg-pool listens for errors only on idle clients: a client in use whose connection dies (a restart
  // while a request holds it) emits 'error' with nobody listening, which ends the process. Its query
  // gets the error all the same, and the pool drops the client when it comes back unusable.
  for (const pool of new Set([appPool, systemPool])) {
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
  }

  const bound = new WeakMap<pg.PoolClient, { batching: StatementBatchingClient; tx: Tx }>();
  const bind = (client: pg.PoolClient) => {
    let entry = bound.get(client);
    if (!entry) {
      const batching = new StatementBatchingClient(client, options.prepareInBatches ?? true);
      entry = { batching, tx: drizzle(batching as unknown as pg.PoolClient, { schema }) };
      bound.set(client, entry);
    }
    return entry;
  };

  async function inTransaction<T, S extends Tx>(pool: pg.Pool, prelude: string, scoped: (tx: Tx) => S, fn: (tx: S) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const { batching, tx: bare } = bind(client);
    const tx = scoped(bare);
    let broken: Error | undefined;
    // BEGIN and the tenant setting travel with the transaction's first statement.
    batching.arm(prelude, false);
    try {
      const result = await fn(tx);
      // Deferred writes travel with COMMIT; should one fail, the whole transaction rolls back below.
      await batching.commit();
      runAfterCommit(tx);
      return result;
    } catch (error) {
      // Nothing to roll back when not even the prelude was sent.
      if (!batching.disarm()) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async function singleStatement<T>(prelude: string, scope: TenantScope, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    const client = await appPool.connect();
    const { batching, tx: bare } = bind(client);
    const tx = tenantTx(bare, scope);
    batching.arm(prelude, true);
    try {
      return await fn(tx);
    } finally {
      batching.disarm();
      client.release();
    }
  }

  const tenantSetting = (tenantId: string) => {
    // The id is interpolated into the batch, so it must be exactly a UUID.
    if (!UUID.test(tenantId)) throw new InvalidTenantIdError('Invalid tenant id');
    return `SELECT set_config('app.tenant_id', '${tenantId}', true)`;
  };

  /** Open units of work, by the scope object that started them. */
  const units = new WeakMap<TenantScope, TenantTx>();

  return {
    appPool,
    systemPool,
    async withTenant(scope, fn) {
      const joined = units.get(scope);
      if (joined) return fn(joined);
      return inTransaction(appPool, `BEGIN; ${tenantSetting(scope.tenantId)}`, (tx) => tenantTx(tx, scope), fn);
    },
    async readAsTenant(scope, fn) {
      // Inside a unit of work a read must see the unit's own uncommitted writes.
      const joined = units.get(scope);
      if (joined) return fn(joined);
      return singleStatement(tenantSetting(scope.tenantId), scope, fn);
    },
    withSystem(fn) {
      return inTransaction(systemPool, 'BEGIN', (tx) => Object.create(tx) as SystemTx, fn);
    },
    async unitOfWork(scope, fn) {
      if (units.has(scope)) throw new Error('A unit of work is already open for this scope');
      return inTransaction(appPool, `BEGIN; ${tenantSetting(scope.tenantId)}`, (tx) => tenantTx(tx, scope), async (tx) => {
        units.set(scope, tx);
        try {
          return await fn(tx);
        } finally {
          units.delete(scope);
        }
      });
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

/**
 * The connection's drizzle instance, seen through an object that adds the
 * scope: drizzle's methods find their session on the prototype, and the
 * instance itself stays shared by every transaction on that connection.
 */
function tenantTx(tx: Tx, scope: TenantScope): TenantTx {
  // Only the fields of a scope, so an Actor's permissions never ride along into logs or events.
  const own: TenantScope = { tenantId: scope.tenantId, requestId: scope.requestId, traceparent: scope.traceparent };
  return Object.create(tx, { scope: { value: own, enumerable: true } }) as TenantTx;
}

const AFTER_COMMIT = Symbol('afterCommit');
type WithAfterCommit = { [AFTER_COMMIT]?: (() => void)[] };

/**
 * Runs `fn` once the transaction has committed (never if it rolls back):
 * live broadcasts and other announcements of what the transaction wrote. When
 * the transaction is a joined part of a unit of work, that is the unit's commit.
 * Best effort by nature: `fn` reports its own failures; one that throws is ignored.
 */
export function afterCommit(tx: TenantTx | SystemTx, fn: () => void): void {
  const holder = tx as WithAfterCommit;
  (holder[AFTER_COMMIT] ??= []).push(fn);
}

function runAfterCommit(tx: Tx): void {
  const queued = (tx as WithAfterCommit)[AFTER_COMMIT];
  if (!queued) return;
  for (const fn of queued) {
    try {
      fn();
    } catch {
      // The commit stands; whoever queued the work logs its failures.
    }
  }
}

/**
 * Queues a statement whose result nobody reads (an outbox or audit row, a
 * SET LOCAL) to travel with the transaction's next statement or its COMMIT;
 * see StatementBatchingClient.
 */
export function deferWrite(tx: Tx, statement: BatchedStatement, values: readonly unknown[]): void {
  (tx as unknown as { $client: StatementBatchingClient }).$client.defer(statement, values);
}

/**
 * Runs a named SQL statement in the transaction and returns its rows as pg
 * builds them (columns named by their aliases), skipping drizzle's query
 * wrapper and its row mapping; for the hottest reads, where those were a
 * measurable share of the request's CPU and garbage (pnpm bench api).
 */
export async function queryRows<Row>(tx: Tx, statement: Required<BatchedStatement>, values: readonly unknown[]): Promise<Row[]> {
  const result = await (tx as unknown as { $client: StatementBatchingClient }).$client.query({ name: statement.name, text: statement.text }, [...values]);
  return result.rows as Row[];
}

export { sql };

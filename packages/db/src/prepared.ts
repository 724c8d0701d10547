import type { Tx } from './database';

/**
 * A drizzle prepared query, built once per pooled connection instead of once
 * per call. Building a select (aliasing, joins, SQL text) costs more CPU than
 * running it on a hot read, and a prepared query is bound to the connection's
 * session, so it is cached per connection: by the connection's client, since
 * each transaction hands out a handle of its own that carries its scope.
 * Values are `sql.placeholder`s filled at execute time.
 */
export function preparedQuery<Q>(build: (tx: Tx) => Q): (tx: Tx) => Q {
  const cache = new WeakMap<object, Q>();
  return (tx) => {
    const connection = (tx as unknown as { $client: object }).$client;
    let query = cache.get(connection);
    if (!query) {
      query = build(tx);
      cache.set(connection, query);
    }
    return query;
  };
}

import type { Tx } from './database';

/**
 * A drizzle prepared query, built once per pooled connection instead of once
 * per call. Building a select (aliasing, joins, SQL text) costs more CPU than
 * running it on a hot read, and a prepared query is bound to the connection's
 * session, so it is cached per transaction handle, which is itself cached per
 * connection. Values are `sql.placeholder`s filled at execute time.
 */
export function preparedQuery<Q>(build: (tx: Tx) => Q): (tx: Tx) => Q {
  const cache = new WeakMap<Tx, Q>();
  return (tx) => {
    let query = cache.get(tx);
    if (!query) {
      query = build(tx);
      cache.set(tx, query);
    }
    return query;
  };
}

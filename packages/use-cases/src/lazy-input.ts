/**
 * A caller's input, parsed when called: it returns the input or throws its
 * ValidationError. A use case calls it right after its existence checks, in
 * the same transaction, so that a missing resource or another tenant's is 404
 * before the input is judged (422), without a transaction of its own for the
 * check. Callers that validated up front pass `() => input`.
 */
export type LazyInput<T> = () => T;

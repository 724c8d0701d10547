import { dependencyFailureOf } from './dependency-failure';

const withCode = (message: string, code: string, extra: object = {}) => Object.assign(new Error(message), { code }, extra);

test.each([
  ['a refused connect', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
  ['a refused dual-stack connect', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')], '')],
  ['an administrator shutdown (57P01)', withCode('terminating connection due to administrator command', '57P01')],
  ['a server starting up (57P03)', withCode('the database system is starting up', '57P03')],
  ['a connection exception (08006)', withCode('connection failure', '08006')],
  ['a pool timeout', new Error('timeout exceeded when trying to connect')],
  ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
  ['a driver error wrapped by drizzle', Object.assign(new Error('Failed query: select 1'), { cause: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') })],
])('%s is Postgres being unavailable', (_name, error) => {
  expect(dependencyFailureOf(error)).toBe('postgres');
});

test.each([
  ['retries exhausted', Object.assign(new Error('Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' })],
  ['a closed connection', new Error('Connection is closed.')],
  ['a command timeout', new Error('Command timed out')],
])('%s is Redis being unavailable', (_name, error) => {
  expect(dependencyFailureOf(error)).toBe('redis');
});

test.each([
  ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
  ['a syntax error', withCode('syntax error at or near "selec"', '42601')],
  ['not an error at all', 'connection reset'],
])('%s is not a dependency failure', (_name, error) => {
  expect(dependencyFailureOf(error)).toBeUndefined();
});

const fromS3 = (error: Error, extra: object = {}) => Object.assign(error, { $metadata: { attempts: 3, totalRetryDelay: 300 } }, extra);

test.each([
  ['a refused connect after the SDK retried', fromS3(withCode('connect ECONNREFUSED 127.0.0.1:9000', 'ECONNREFUSED'))],
  ['a 503 from the store', fromS3(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }), { $fault: 'server' })],
  ['a store that never answers', fromS3(Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }))],
])('%s is object storage being unavailable', (_name, error) => {
  expect(dependencyFailureOf(error)).toBe('storage');
});

test('a client error from the store (a missing key) is not an outage', () => {
  expect(dependencyFailureOf(fromS3(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }), { $fault: 'client' }))).toBeUndefined();
});

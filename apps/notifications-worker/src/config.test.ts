import { ConfigError, loadConfig } from '@coachline/runtime/config';
import { configSchema } from './config';

const urls = { DATABASE_URL: 'postgres://app@127.0.0.1:1/db', REDIS_URL: 'redis://127.0.0.1:1' };

test('production refuses to start without VAPID keys; development generates its own', () => {
  const production = { ...urls, NODE_ENV: 'production', VAPID_PUBLIC_KEY: undefined, VAPID_PRIVATE_KEY: undefined };
  expect(() => loadConfig(configSchema, production)).toThrow(ConfigError);
  expect(() => loadConfig(configSchema, production)).toThrow('VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: required in production');
  expect(loadConfig(configSchema, { ...production, VAPID_PUBLIC_KEY: 'public', VAPID_PRIVATE_KEY: 'private' }).NODE_ENV).toBe('production');
  expect(loadConfig(configSchema, { ...production, NODE_ENV: 'development' }).VAPID_PUBLIC_KEY).toBeUndefined();
});

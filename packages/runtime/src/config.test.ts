import { baseConfigSchema, ConfigError, loadConfig } from './config';

const urls = { DATABASE_URL: 'postgres://app@127.0.0.1:1/db', REDIS_URL: 'redis://127.0.0.1:1' };

test('overrides sit on top of the process environment, numbers as text, undefined unsetting a variable', () => {
  const saved = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'debug';
  try {
    expect(loadConfig(baseConfigSchema, { ...urls, DATABASE_POOL_SIZE: 3 })).toMatchObject({ LOG_LEVEL: 'debug', DATABASE_POOL_SIZE: 3 });
    expect(loadConfig(baseConfigSchema, { ...urls, LOG_LEVEL: undefined }).LOG_LEVEL).toBe('info');
  } finally {
    if (saved === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = saved;
  }
});

test('a bad configuration fails with every problem listed', () => {
  expect(() => loadConfig(baseConfigSchema, { ...urls, REDIS_URL: 'not a url', QUEUE_PREFIX: 'coachline' })).toThrow(ConfigError);
  expect(() => loadConfig(baseConfigSchema, { ...urls, REDIS_URL: 'not a url', QUEUE_PREFIX: 'coachline' })).toThrow(/REDIS_URL: .*\n.*QUEUE_PREFIX: /);
});

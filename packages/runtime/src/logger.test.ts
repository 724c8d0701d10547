import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, redactText } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('test', 'debug');
  logger.clear();
  logger.add(new winston.transports.Stream({ stream: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }) }));
  return { logger, lines };
}

describe('log redaction', () => {
  test('masks secrets by value wherever they appear, messages and nested fields included', () => {
    const { logger, lines } = capture();
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const refresh = 'rt_0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG';
    logger.error(`Failed query: insert into users values ($1, $2)\nparams: ada@example.com,${hash}`, {
      detail: { attempt: `user ada@example.com sent ${jwt}`, list: [refresh, 'Bearer abc.def'] },
      userId: 'u-1',
    });
    const text = JSON.stringify(lines);
    for (const secret of ['ada@example.com', hash, jwt, refresh, 'abc.def', '$argon2id']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ userId: 'u-1', level: 'error' });
    expect(String(lines[0]!.message)).toContain('Failed query: insert into users');
  });

  test('an error logged as a field keeps its message and stack, redacted', () => {
    const { logger, lines } = capture();
    logger.error('boom', { error: new Error('duplicate key for bob@example.org') });
    expect(String(lines[0]!.error)).toContain('duplicate key for [redacted-email]');
    expect(String(lines[0]!.error)).toContain('logger.test.ts');
  });

  test('keys that name secrets are dropped whatever their value', () => {
    const { logger, lines } = capture();
    logger.info('login', { password: 'hunter2hunter2', refreshToken: 'x', nested: { apiSecret: 'y' } });
    expect(lines[0]).toMatchObject({ password: '[redacted]', refreshToken: '[redacted]', nested: { apiSecret: '[redacted]' } });
  });

  test('plain identifiers survive', () => {
    expect(redactText('tenant 0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b, request abc-123')).toBe('tenant 0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b, request abc-123');
  });
});

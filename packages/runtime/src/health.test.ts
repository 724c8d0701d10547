import { CHECK_TIMEOUT_MS, readiness } from './health';

describe('readiness', () => {
  afterEach(() => jest.useRealTimers());

  test('a dependency that never answers is down once the check timeout passes, within a probe’s 1 s', async () => {
    jest.useFakeTimers();
    const pending = readiness({ db: () => new Promise<void>(() => undefined), redis: async () => undefined });
    let settled = false;
    void pending.then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toEqual({ ok: false, body: { status: 'not_ready', checks: { db: 'down', redis: 'up' } } });
    expect(CHECK_TIMEOUT_MS).toBeLessThan(1_000);
  });

  test('a failing dependency is down at once', async () => {
    await expect(readiness({ db: () => Promise.reject(new Error('refused')) })).resolves.toEqual({ ok: false, body: { status: 'not_ready', checks: { db: 'down' } } });
  });
});

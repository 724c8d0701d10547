import { testEnv } from '@coachline/api-gateway/testing/test-env';
import { startApp, type AppName } from './testing/app-process';

/**
 * Every app as a real process, started the way `pnpm dev` starts it: each must
 * answer /health, /health/ready (db and redis up) and /metrics, and exit 0
 * within 10 s of SIGTERM.
 */
const APPS: Array<{ name: AppName }> = [{ name: 'api-gateway' }, { name: 'realtime' }, { name: 'scheduler' }, { name: 'notifications-worker' }, { name: 'media-worker' }];

describe.each(APPS)('$name process', ({ name }) => {
  test('serves health, readiness and metrics, then stops cleanly on SIGTERM', async () => {
    const app = await startApp(name, testEnv({ LOG_LEVEL: 'info' }));
    try {
      const ready = await fetch(app.url('/health/ready'));
      const body = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect(body).toMatchObject({ status: 'ready', checks: { db: 'up', redis: 'up' } });
      expect(Object.values(body.checks).every((check) => check === 'up')).toBe(true);
      // The scheduler is ready only once its outbox relay runs.
      if (name === 'scheduler') expect(body.checks).toMatchObject({ relay: 'up' });
      expect(await (await fetch(app.url('/health'))).json()).toEqual({ status: 'ok' });
      const metrics = await (await fetch(app.url('/metrics'))).text();
      expect(metrics).toContain('process_cpu_user_seconds_total');

      const started = Date.now();
      const exit = await app.kill('SIGTERM');
      expect({ code: exit.code, withinDeadline: Date.now() - started < 10_000 }).toEqual({ code: 0, withinDeadline: true });
    } finally {
      await app.kill();
    }
  }, 90_000);
});

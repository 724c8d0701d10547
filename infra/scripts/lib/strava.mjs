// Strava for the launchers: the configured application when STRAVA_CLIENT_ID
// is set, else the local stand-in (infra/strava-stand-in), which the apps reach
// through the same OAuth client at STRAVA_OAUTH_URL and STRAVA_API_URL.
import { randomBytes, randomInt } from 'node:crypto';
import { startStravaStandIn } from '../../strava-stand-in/strava-stand-in.mjs';

/**
 * Returns the STRAVA_* settings the apps need and `stop()` for a stand-in this
 * call started. `port` 0 takes any free port (test runs); `webhookUrl` is
 * where its pushes go unless a test names another.
 */
export async function ensureStrava(env, { port, webhookUrl, log }) {
  if (env.STRAVA_CLIENT_ID) return { env: {}, stop: undefined };
  const standIn = await startStravaStandIn({
    port,
    clientId: String(randomInt(10_000, 99_999)),
    clientSecret: randomBytes(20).toString('hex'),
    subscriptionId: randomInt(100_000, 999_999),
    verifyToken: randomBytes(16).toString('hex'),
    webhookUrl,
    log: (line) => log(`strava stand-in: ${line}`),
  });
  log(`started the Strava stand-in on ${standIn.url}`);
  return { env: standIn.env, stop: () => standIn.close() };
}

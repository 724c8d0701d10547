import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MAKERS = {
  JWT_SECRET: () => randomBytes(32).toString('hex'),
  QUEUE_DASHBOARD_CREDENTIALS: () => `operator:${randomBytes(12).toString('hex')}`,
  ENCRYPTION_KEYS: () => `dev1:${randomBytes(32).toString('base64')}`,
  // The Stripe stand-in signs its webhooks with it; not an environment variable (the launcher passes it as STRIPE_WEBHOOK_SECRET).
  stripeWebhookSecret: () => `whsec_${randomBytes(24).toString('hex')}`,
};

/**
 * Development secrets, made once and kept in .local so tokens survive restarts.
 * A file from before a secret existed gets the new one added; the kept ones stay.
 */
export function devSecrets(root) {
  const path = join(root, '.local', 'dev-secrets.json');
  const kept = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const missing = Object.keys(MAKERS).filter((key) => !kept[key]);
  if (missing.length === 0) return kept;
  const secrets = { ...kept, ...Object.fromEntries(missing.map((key) => [key, MAKERS[key]()])) };
  mkdirSync(join(root, '.local'), { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Development secrets, made once and kept in .local so tokens survive restarts. */
export function devSecrets(root) {
  const path = join(root, '.local', 'dev-secrets.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
  mkdirSync(join(root, '.local'), { recursive: true });
  const secrets = { JWT_SECRET: randomBytes(32).toString('hex'), QUEUE_DASHBOARD_CREDENTIALS: `operator:${randomBytes(12).toString('hex')}` };
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

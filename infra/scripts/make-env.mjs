// `node infra/scripts/make-env.mjs [file]`: writes .env (or `file`) from
// .env.example with every empty value given a fresh secret. It refuses to
// overwrite an existing file: rotating a secret is a decision, not a side effect.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './lib/platform.mjs';

const hex = (bytes) => randomBytes(bytes).toString('hex');

/** A Web Push (VAPID) key pair as web-push expects it: the raw P-256 public point and private scalar, base64url. */
export function vapidKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = publicKey.export({ format: 'jwk' });
  const priv = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x, 'base64url'), Buffer.from(pub.y, 'base64url')]);
  return { VAPID_PUBLIC_KEY: point.toString('base64url'), VAPID_PRIVATE_KEY: priv.d };
}

/** One fresh value for every secret .env.example asks for. */
export function freshSecrets() {
  return {
    POSTGRES_PASSWORD: hex(24),
    APP_DB_PASSWORD: hex(24),
    SYSTEM_DB_PASSWORD: hex(24),
    REDIS_PASSWORD: hex(32),
    S3_ACCESS_KEY_ID: hex(10),
    S3_SECRET_ACCESS_KEY: hex(32),
    JWT_SECRET: hex(32),
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    QUEUE_DASHBOARD_CREDENTIALS: `operator:${hex(16)}`,
    ...vapidKeys(),
  };
}

/** .env.example's text with each empty `KEY=` line filled from `secrets`. */
export function fillExample(example, secrets) {
  return example.replace(/^([A-Z0-9_]+)=$/gm, (line, key) => (key in secrets ? `${key}=${secrets[key]}` : line));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = resolve(process.argv[2] ?? join(ROOT, '.env'));
  if (existsSync(target)) {
    process.stderr.write(`${target} exists; move it away first to make new secrets\n`);
    process.exit(1);
  }
  writeFileSync(target, fillExample(readFileSync(join(ROOT, '.env.example'), 'utf8'), freshSecrets()), { mode: 0o600 });
  process.stdout.write(`wrote ${target}\n`);
}

// `node infra/scripts/dev-cert.mjs [folder]`: a self-signed certificate for
// localhost and 127.0.0.1, valid 30 days, as fullchain.pem and privkey.pem in
// infra/nginx/certs (git-ignored) or `folder`. For development only: browsers
// warn about it, and production uses a certificate from a real authority.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './lib/platform.mjs';

export function makeDevCert(folder) {
  mkdirSync(folder, { recursive: true });
  const result = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(folder, 'privkey.pem'), '-out', join(folder, 'fullchain.pem')],
    { encoding: 'utf8' },
  );
  if (result.error) throw new Error(`openssl is needed: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`openssl failed:\n${result.stderr}`);
  return { cert: join(folder, 'fullchain.pem'), key: join(folder, 'privkey.pem') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folder = resolve(process.argv[2] ?? join(ROOT, 'infra/nginx/certs'));
  const { cert } = makeDevCert(folder);
  process.stdout.write(`wrote ${cert} and its key\n`);
}

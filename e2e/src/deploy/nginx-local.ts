import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Nginx } from './nginx-binary';
import { ROOT } from './support';

// Debian's build keeps these under /var/lib/nginx, which only its package creates.
const TEMP_DIRS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

export interface EdgePorts {
  http: number;
  https: number;
  api: number[];
  realtime: number[];
}

/**
 * infra/nginx/nginx.conf with only what differs outside the compose network:
 * upstream host names (which resolve only there) become loopback servers,
 * listening ports and the certificate folder move, and Debian's file locations
 * come in. Each rewrite must find its text, so a test fails rather than checks
 * something else when the file changes.
 */
export function localConfig(source: string, work: string, ports: EdgePorts, binary: Nginx): string {
  const servers = (list: number[]) => list.map((p) => `server 127.0.0.1:${p};`).join('\n    ');
  const rewrites: Array<[string | RegExp, string]> = [
    ['include /etc/nginx/mime.types;', [`include ${binary.mimeTypes};`, `access_log ${work}/access.log;`, ...TEMP_DIRS.map((d) => `${d}_temp_path ${work}/${d};`)].join('\n  ')],
    ['server api-gateway:3000;', servers(ports.api)],
    ['server realtime:3001;', servers(ports.realtime)],
    ['    listen 8080;\n    listen [::]:8080;', `    listen 127.0.0.1:${ports.http};`],
    ['    listen 8443 ssl;\n    listen [::]:8443 ssl;', `    listen 127.0.0.1:${ports.https} ssl;`],
    [/\/etc\/nginx\/certs\//g, `${work}/certs/`],
  ];
  let out = source;
  for (const [from, to] of rewrites) {
    const found = typeof from === 'string' ? out.includes(from) : from.test(out);
    if (!found) throw new Error(`infra/nginx/nginx.conf no longer contains ${String(from)}; update nginx-local.ts`);
    out = typeof from === 'string' ? out.replace(from, to) : out.replace(from, to);
  }
  return out;
}

export function nginxArgs(work: string, file: string): string[] {
  return ['-p', work, '-e', `${work}/error.log`, '-c', file];
}

/** A work folder with temp paths nginx's unprivileged workers can write, a development certificate, and the local configuration. */
export function prepareEdge(ports: EdgePorts, binary: Nginx): { work: string; conf: string; ca: Buffer } {
  const work = mkdtempSync(path.join(tmpdir(), 'coachline-nginx-'));
  chmodSync(work, 0o755);
  for (const dir of TEMP_DIRS) {
    mkdirSync(path.join(work, dir));
    chmodSync(path.join(work, dir), 0o777);
  }
  const cert = spawnSync(process.execPath, [path.join(ROOT, 'infra/scripts/dev-cert.mjs'), path.join(work, 'certs')], { encoding: 'utf8' });
  if (cert.status !== 0) throw new Error(`dev-cert.mjs failed: ${cert.stderr}`);
  const conf = path.join(work, 'nginx.conf');
  writeFileSync(conf, localConfig(readFileSync(path.join(ROOT, 'infra/nginx/nginx.conf'), 'utf8'), work, ports, binary));
  return { work, conf, ca: readFileSync(path.join(work, 'certs/fullchain.pem')) };
}

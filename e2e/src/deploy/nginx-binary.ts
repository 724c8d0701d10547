import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support';

export interface Nginx {
  bin: string;
  mimeTypes: string;
}

function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/**
 * Debian's nginx: the system's when installed, else unpacked from Debian's
 * packages into .local/nginx. Unpacking (apt-get download, dpkg -x) rather
 * than `apt-get install` because installing the package also starts an nginx
 * on port 80 through its init script, which a test must not do to a machine.
 * Returns undefined only where there is no apt to get it from.
 */
export function debianNginx(): Nginx | undefined {
  const system = onPath('nginx') ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : undefined);
  if (system) return { bin: system, mimeTypes: '/etc/nginx/mime.types' };
  const dir = path.join(ROOT, '.local', 'nginx');
  const unpacked: Nginx = { bin: path.join(dir, 'root/usr/sbin/nginx'), mimeTypes: path.join(dir, 'root/etc/nginx/mime.types') };
  if (existsSync(unpacked.bin) && existsSync(unpacked.mimeTypes)) return unpacked;
  if (!onPath('apt-get') || !onPath('dpkg')) return undefined;
  mkdirSync(dir, { recursive: true });
  const download = () => spawnSync('apt-get', ['download', 'nginx', 'nginx-common'], { cwd: dir, encoding: 'utf8' });
  let result = download();
  // A fresh machine has no package lists yet.
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8' });
    result = download();
  }
  if (result.status !== 0) throw new Error(`apt-get download nginx failed:\n${result.stderr}`);
  for (const deb of readdirSync(dir).filter((f) => f.endsWith('.deb'))) {
    const unpack = spawnSync('dpkg', ['-x', path.join(dir, deb), path.join(dir, 'root')], { encoding: 'utf8' });
    if (unpack.status !== 0) throw new Error(`dpkg -x ${deb} failed:\n${unpack.stderr}`);
  }
  return unpacked;
}

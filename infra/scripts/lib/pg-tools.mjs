// pg_dump and pg_restore for a given server. pg_dump refuses a server of a newer
// major version than its own, and the project-local Postgres (embedded, 18) is
// newer than Debian 12's client tools (15), so the tools are chosen per server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The server's major version (15, 17, 18...). */
export async function serverMajor(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SHOW server_version_num');
    return Math.floor(Number(rows[0].server_version_num) / 10_000);
  } finally {
    await client.end();
  }
}

function toolMajor(path) {
  const out = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const match = /(\d+)(?:\.\d+)?/.exec(out);
  return match ? Number(match[1]) : undefined;
}

/**
 * The newest `tool` (pg_dump, pg_restore) at least as new as the server: from
 * PG_BIN_DIR when set, else Debian's /usr/lib/postgresql/<major>/bin, else PATH.
 */
export function findPgTool(tool, minimumMajor) {
  const candidates = [];
  if (process.env.PG_BIN_DIR) candidates.push(join(process.env.PG_BIN_DIR, tool));
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const major of readdirSync(debian).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, major, 'bin', tool));
  }
  const onPath = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) candidates.push(onPath);
  const found = candidates.filter((c) => existsSync(c)).map((path) => ({ path, major: toolMajor(path) }));
  const fit = found.find((c) => c.major !== undefined && c.major >= minimumMajor);
  if (fit) return fit.path;
  const have = found.map((c) => `${c.path} (${c.major})`).join(', ') || 'none';
  throw new Error(
    `${tool} ${minimumMajor} or newer is needed for a PostgreSQL ${minimumMajor} server; found: ${have}.\n` +
      `Install the PostgreSQL ${minimumMajor} client tools and set PG_BIN_DIR to their bin folder, or, with compose, ` +
      `run it inside the container: docker compose exec -T postgres ${tool} ...`,
  );
}

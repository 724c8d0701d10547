import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './support';

/** docker-compose.yml as written, anchors and merge keys resolved, variables not yet interpolated. */
export function readCompose(file = path.join(ROOT, 'docker-compose.yml')): ComposeFile {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as ComposeFile;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  volumes?: string[];
}

export interface ComposeFile {
  name?: string;
  version?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export class MissingVariable extends Error {}

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^}]|\}(?!\}))*?))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Compose's interpolation of one string: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt} and $$. */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(VARIABLE, (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    const name = braced ?? bare ?? '';
    const current = env[name];
    const unsetOrEmpty = current === undefined || current === '';
    switch (op) {
      case ':-':
        return unsetOrEmpty ? interpolate(arg ?? '', env) : (current ?? '');
      case '-':
        return current === undefined ? interpolate(arg ?? '', env) : current;
      case ':?':
        if (unsetOrEmpty) throw new MissingVariable(`${name}: ${arg ?? 'required'}`);
        return current ?? '';
      case '?':
        if (current === undefined) throw new MissingVariable(`${name}: ${arg ?? 'required'}`);
        return current;
      case ':+':
        return unsetOrEmpty ? '' : interpolate(arg ?? '', env);
      case '+':
        return current === undefined ? '' : interpolate(arg ?? '', env);
      default:
        return current ?? '';
    }
  });
}

/** Every string in the document interpolated, as `docker compose config` does before it validates. */
export function interpolateAll<T>(node: T, env: Record<string, string | undefined>): T {
  if (typeof node === 'string') return interpolate(node, env) as T;
  if (Array.isArray(node)) return node.map((item: unknown) => interpolateAll(item, env)) as T;
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)])) as T;
  return node;
}

/** Names of every variable the file refers to, with whether it is required (`:?`). */
export function referencedVariables(text: string): Map<string, { required: boolean }> {
  const found = new Map<string, { required: boolean }>();
  for (const match of text.replace(/\$\$/g, '').matchAll(VARIABLE)) {
    const name = match[1] ?? match[4];
    if (!name) continue;
    const required = match[2] === ':?' || match[2] === '?';
    found.set(name, { required: required || (found.get(name)?.required ?? false) });
  }
  return found;
}

/** KEY=value lines of an env file; comments and blank lines skipped. */
export function readEnvFile(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) entries.set(match[1], match[2] ?? '');
  }
  return entries;
}

/** A service's environment as strings, the way a container receives it. */
export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

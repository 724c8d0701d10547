import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { APP_CONFIGS, defaultOf } from './app-configs';
import { freePort, ROOT } from './support';

/**
 * infra/Dockerfile read as a Docker engine would (no engine exists here to build
 * it): the base image, the user, the health check (run for real against a
 * server), the command, and what .dockerignore keeps out of the build context.
 */
const dockerfile = readFileSync(path.join(ROOT, 'infra/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const lines = dockerfile.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const stages = lines.reduce<string[][]>((acc, line) => (line.startsWith('FROM ') ? [...acc, [line]] : (acc.at(-1)?.push(line), acc)), []);
const finalStage = stages.at(-1) ?? [];

test('every stage starts from Node 24 LTS at an exact version (a digest may follow), or from an earlier stage', () => {
  const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
  expect(image).toMatch(/^node:24\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/);
  const names = new Set<string>();
  for (const [from] of stages) {
    const [, source, name] = /^FROM (\S+)(?: AS (\S+))?$/.exec(from ?? '') ?? [];
    expect(source === '${NODE_IMAGE}' || names.has(source ?? '')).toBe(true);
    if (name) names.add(name);
  }
});

test('the final stage runs as an unprivileged user, with APP choosing the app and plain node running its bundle', () => {
  const user = finalStage.filter((l) => l.startsWith('USER ')).at(-1);
  expect(user).toBeDefined();
  expect(user).not.toMatch(/^USER (root|0)(:|$)/);
  expect(finalStage).toContain('ARG APP');
  expect(finalStage.at(-1)).toBe('CMD ["node", "--enable-source-maps", "dist/main.js"]');
  expect(finalStage).toContain('WORKDIR /app/apps/${APP}');
  // Production dependencies only: the final stage copies from the --prod install and the builder's outputs, never the builder's node_modules.
  const copies = finalStage.filter((l) => l.startsWith('COPY --from=builder'));
  expect(copies.length).toBeGreaterThan(0);
  for (const copy of copies) expect(copy).toMatch(/\/dist\/|\/migrations\//);
  expect(dockerfile).toMatch(/pnpm install --frozen-lockfile --prod/);
  expect(dockerfile).toMatch(/turbo prune "@coachline\/\$\{APP\}" --docker/);
});

describe('the HEALTHCHECK one-liner', () => {
  const healthcheck = finalStage.find((l) => l.startsWith('HEALTHCHECK '));
  const command = JSON.parse(/CMD (\[.*\])$/.exec(healthcheck ?? '')?.[1] ?? 'null') as string[] | null;

  /** Runs the check as Docker would, asynchronously: the servers it probes live in this process. */
  function runCheck(env: Record<string, string>): Promise<number | null> {
    if (!command) throw new Error('no HEALTHCHECK CMD in the final stage');
    const [node, ...args] = command;
    expect(node).toBe('node');
    const { PATH } = process.env;
    const child = spawn(process.execPath, args, { env: { PATH, ...env }, stdio: 'ignore', timeout: 10_000 });
    return new Promise((resolve) => child.once('exit', resolve));
  }

  async function serve(status: number): Promise<{ port: number; close: () => Promise<void> }> {
    const server = http.createServer((req, res) => res.writeHead(req.url === '/health' ? status : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as { port: number }).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  test.each(APP_CONFIGS)("knows $app's default health port, as its config.ts sets it", ({ app, schema, portVar }) => {
    const port = defaultOf(schema, portVar);
    expect(typeof port).toBe('number');
    expect(healthcheck).toContain(`['${portVar}',${String(port)}]`);
    expect(healthcheck).toMatch(new RegExp(`'?${app}'?:\\['${portVar}'`));
  });

  test.each(APP_CONFIGS)('passes for $app when /health answers 200 on its port variable, fails on 503 and when nothing listens', async ({ app, portVar }) => {
    const healthy = await serve(200);
    const sick = await serve(503);
    try {
      expect(await runCheck({ APP: app, [portVar]: String(healthy.port) })).toBe(0);
      expect(await runCheck({ APP: app, [portVar]: String(sick.port) })).toBe(1);
    } finally {
      await healthy.close();
      await sick.close();
    }
    expect(await runCheck({ APP: app, [portVar]: String(await freePort()) })).toBe(1);
  });
});

test('.dockerignore keeps local state, secrets, dependencies, builds, tests and git history out of the build context', () => {
  const patterns = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const wanted of ['.git', '.local', '**/.local', '.env', '.env.*', '**/node_modules', '**/dist', '**/*.test.ts']) expect(patterns).toContain(wanted);
  // A negation would let a secret back in.
  expect(patterns.filter((p) => p.startsWith('!') && /env|local|secret/i.test(p))).toEqual([]);
});

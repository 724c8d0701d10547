import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { APP_CONFIGS, requiredKeys } from './app-configs';
import { environmentOf, interpolate, interpolateAll, MissingVariable, readCompose, readEnvFile, referencedVariables, type ComposeFile } from './compose-model';
import { ROOT } from './support';

/**
 * docker-compose.yml checked statically, since no Docker engine runs here:
 * against the Compose Specification's JSON schema and a compose linter, for
 * pinned images, ports, health-gated start order and secrets, and, per app,
 * that the environment compose gives it passes the zod schema its config.ts
 * parses at start.
 */
const composeText = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const raw = readCompose();
const example = readEnvFile(path.join(ROOT, '.env.example'));

/** What an operator's .env holds after `node infra/scripts/make-env.mjs`, which this runs. */
function operatorEnv(): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'coachline-env-'));
  try {
    const file = path.join(dir, '.env');
    const result = spawnSync(process.execPath, [path.join(ROOT, 'infra/scripts/make-env.mjs'), file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`make-env.mjs failed: ${result.stderr}`);
    return Object.fromEntries(readEnvFile(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const APP_SERVICES = APP_CONFIGS.map((c) => c.app);
const SECRET_KEY = /SECRET|PASSWORD|CREDENTIALS|PRIVATE_KEY|ACCESS_KEY/;

describe('the Compose Specification schema', () => {
  const schema = JSON.parse(readFileSync(path.join(ROOT, 'infra/schemas/compose-spec.json'), 'utf8')) as object;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  // The schema names draft-07 by its https address; Ajv registers draft-07 under the http one.
  const draft07 = JSON.parse(readFileSync(require.resolve('ajv/dist/refs/json-schema-draft-07.json'), 'utf8')) as object;
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  const validate = ajv.compile(schema);

  test('accepts the file, before and after interpolation', () => {
    const interpolated = interpolateAll(raw, operatorEnv());
    for (const doc of [raw, interpolated]) {
      const valid = validate(doc);
      expect(valid ? [] : validate.errors).toEqual([]);
    }
  });

  test('rejects what compose would reject (so the check has teeth)', () => {
    const broken = structuredClone(raw);
    (broken.services['nginx'] as Record<string, unknown>)['depends_on'] = { 'api-gateway': { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
  });
});

describe('the compose linter (dclint)', () => {
  const dclint = path.join(ROOT, 'e2e/node_modules/.bin/dclint');
  const lint = (file: string) => spawnSync(dclint, ['-c', path.join(ROOT, 'infra/dclint.yml'), file], { encoding: 'utf8' });

  test('reports no error and no warning', () => {
    const result = lint(path.join(ROOT, 'docker-compose.yml'));
    expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });

  test('fails a copy that publishes Postgres on every interface', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'coachline-compose-'));
    try {
      const file = path.join(dir, 'docker-compose.yml');
      writeFileSync(file, composeText.replace("'127.0.0.1:54329:5432'", "'54329:5432'"));
      expect(lint(file).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('no top-level name or version key: older Compose releases reject one and ignore the other', () => {
  expect(Object.keys(raw)).not.toContain('name');
  expect(Object.keys(raw)).not.toContain('version');
});

test('every image not built here is pinned to an exact version, and every app is built from infra/Dockerfile', () => {
  for (const [name, service] of Object.entries(raw.services)) {
    if (service.build) {
      expect({ name, dockerfile: service.build.dockerfile }).toEqual({ name, dockerfile: 'infra/Dockerfile' });
      continue;
    }
    // A release, not a moving major line: Postgres numbers its releases major.minor, the others major.minor.patch.
    const release = service.image?.startsWith('postgres:') ? /^postgres:\d+\.\d+-[\w.]+$/ : /^[\w./-]+:v?\d+\.\d+\.\d+(-[\w.]+)?(@sha256:[0-9a-f]{64})?$/;
    expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(release) });
  }
  for (const app of APP_SERVICES) expect(raw.services[app]?.build?.args?.APP).toBe(app);
  expect(raw.services['s3']?.image).not.toMatch(/minio/);
  expect(raw.services['jaeger']?.image).toMatch(/^jaegertracing\/jaeger:2\./);
});

test('only nginx is published on every interface; everything else on 127.0.0.1 or not at all', () => {
  for (const [name, service] of Object.entries(raw.services)) {
    for (const port of service.ports ?? []) {
      if (name === 'nginx') expect(port).toMatch(/^0\.0\.0\.0:/);
      else expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
    }
  }
});

test('start order waits on health: every dependency has a condition, and each it names can be met', () => {
  const hasHealthcheck = (name: string) => {
    const service = raw.services[name];
    // Services built from infra/Dockerfile inherit its HEALTHCHECK (dockerfile.test.ts runs it).
    return Boolean(service && !service.healthcheck?.disable && (service.healthcheck?.test || service.build?.dockerfile === 'infra/Dockerfile'));
  };
  for (const [name, service] of Object.entries(raw.services)) {
    const deps = service.depends_on ?? {};
    expect({ name, list: Array.isArray(deps) }).toEqual({ name, list: false });
    for (const [dep, { condition }] of Object.entries(deps as Record<string, { condition?: string }>)) {
      expect(raw.services[dep]).toBeDefined();
      if (condition === 'service_healthy') expect({ name, dep, healthcheck: hasHealthcheck(dep) }).toEqual({ name, dep, healthcheck: true });
      else if (condition === 'service_completed_successfully') expect(raw.services[dep]?.restart).toBe('no');
      else expect({ name, dep, condition }).toEqual({ name, dep, condition: 'service_started' });
    }
  }
  for (const app of APP_SERVICES) {
    const deps = raw.services[app]?.depends_on as Record<string, { condition: string }>;
    expect(deps['db-roles']?.condition).toBe('service_completed_successfully');
    expect(deps['pgbouncer']?.condition).toBe('service_healthy');
    expect(deps['redis']?.condition).toBe('service_healthy');
  }
  expect((raw.services['db-roles']?.depends_on as Record<string, { condition: string }>)['migrate']?.condition).toBe('service_completed_successfully');
});

describe('secrets', () => {
  test('every secret-looking value and every password in a URL is required from .env, never written down', () => {
    for (const [name, service] of Object.entries(raw.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const text = String(value);
        if (SECRET_KEY.test(key)) expect({ name, key, text }).toEqual({ name, key, text: expect.stringMatching(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/) });
        const password = /^[a-z]+:\/\/[^:/@]*:([^@]+)@/.exec(text)?.[1];
        if (password !== undefined) expect({ name, key, password }).toEqual({ name, key, password: expect.stringMatching(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/) });
      }
    }
  });

  test('.env.example documents every variable compose reads, leaves every required one empty, and lists nothing compose ignores', () => {
    const referenced = referencedVariables(composeText);
    expect([...referenced.keys()].filter((v) => !example.has(v)).sort()).toEqual([]);
    expect([...example.keys()].filter((v) => !referenced.has(v)).sort()).toEqual([]);
    const required = [...referenced].filter(([, { required }]) => required).map(([v]) => v);
    expect(required.length).toBeGreaterThan(5);
    for (const variable of required) expect({ variable, value: example.get(variable) }).toEqual({ variable, value: '' });
  });

  test('compose refuses to start while a required secret is missing', () => {
    const env = operatorEnv();
    delete env['JWT_SECRET'];
    expect(() => interpolateAll(raw, env)).toThrow(MissingVariable);
    expect(() => interpolate('${A:?needed}', { A: '' })).toThrow(MissingVariable);
  });
});

describe('each app gets every setting its config.ts requires', () => {
  let composed: ComposeFile;
  beforeAll(() => {
    composed = interpolateAll(raw, operatorEnv());
  });

  test.each(APP_CONFIGS)('$app: the environment compose sets passes its zod schema in production mode', ({ app, schema }) => {
    const env = environmentOf(composed.services[app] ?? {});
    expect(env['NODE_ENV']).toBe('production');
    for (const key of requiredKeys(schema)) expect({ app, key, set: Boolean(env[key]) }).toEqual({ app, key, set: true });
    const result = schema.safeParse(env);
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  test('the checks above fail for an app whose environment lacks a required setting', () => {
    const [gateway] = APP_CONFIGS;
    const env = environmentOf(composed.services['api-gateway'] ?? {});
    delete env['DATABASE_URL'];
    expect(gateway?.schema.safeParse(env).success).toBe(false);
    expect(requiredKeys(gateway!.schema)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']));
  });

  // Settings whose absence a schema accepts but production must not run without.
  test.each(APP_CONFIGS)('$app: goes through PgBouncer in transaction mode, traced, with its port where infra expects it', ({ app, portVar }) => {
    const env = environmentOf(composed.services[app] ?? {});
    expect(new URL(env['DATABASE_URL'] ?? '').host).toBe('pgbouncer:6432');
    expect(new URL(env['DATABASE_SYSTEM_URL'] ?? '').host).toBe('pgbouncer:6432');
    expect(env['DATABASE_TRANSACTION_POOLER']).toBe('true');
    expect(new URL(env['REDIS_URL'] ?? '').password).not.toBe('');
    expect(env['OTEL_ENABLED']).toBe('true');
    expect(env[portVar]).toMatch(/^\d+$/);
  });

  test('the gateway believes exactly the nginx hop, and the notifications worker has its VAPID keys and SMTP', () => {
    const gateway = environmentOf(composed.services['api-gateway'] ?? {});
    expect(gateway['TRUST_PROXY']).toBe('1');
    expect(gateway['QUEUE_DASHBOARD_CREDENTIALS']).toMatch(/^[^:]+:.{12,}$/);
    const notifications = environmentOf(composed.services['notifications-worker'] ?? {});
    expect(notifications['VAPID_PUBLIC_KEY']).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(notifications['VAPID_PRIVATE_KEY']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(notifications['SMTP_URL']).toMatch(/^smtps?:\/\//);
  });

  test('Redis never evicts (BullMQ) and wants a password; migrations bypass the pooler', () => {
    const redis = JSON.stringify(composed.services['redis']?.command);
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(redis).toContain('--requirepass');
    expect(new URL(environmentOf(composed.services['migrate'] ?? {})['DATABASE_OWNER_URL'] ?? '').host).toBe('postgres:5432');
    expect(readFileSync(path.join(ROOT, 'infra/pgbouncer/pgbouncer.ini'), 'utf8')).toMatch(/^pool_mode = transaction$/m);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_CONFIGS, defaultOf, requiredKeys } from './app-configs';
import { render, strategicMerge, type Resource } from './kustomize';
import { ROOT } from './support';

/**
 * infra/k8s rendered (base, and the production overlay with its patches) by the
 * small renderer in kustomize.ts, then every object validated offline against
 * the Kubernetes OpenAPI schemas that kubernetes-models 4.5 compiles (types,
 * required fields, enums; like kubectl's client-side check, not the API
 * server's, it does not reject unknown fields), then what the schemas cannot
 * know: probes, resources, autoscaling, disruption budgets, the network policy,
 * the migration Job, secrets by reference, the Ingress, and each app's
 * environment against the zod schema its config.ts parses.
 */
const K8S = path.join(ROOT, 'infra/k8s');
const rendered = { base: render(path.join(K8S, 'base')), production: render(path.join(K8S, 'overlays/production')) };

type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodSpec = { containers: Container[]; initContainers?: Container[] };
type Labels = Record<string, string>;

/** The fields these checks read, per kind; the schemas above check the rest. */
interface Kinds {
  Deployment: { spec: { replicas?: number; selector: { matchLabels: Labels }; template: { metadata: { labels: Labels }; spec: PodSpec } } };
  Job: { spec: { template: { spec: PodSpec } } };
  Service: { spec: { selector: Labels } };
  PodDisruptionBudget: { spec: { selector: { matchLabels: Labels } } };
  NetworkPolicy: { spec: { podSelector: { matchLabels: Labels } } };
  HorizontalPodAutoscaler: { spec: { scaleTargetRef: { name: string }; minReplicas: number; maxReplicas: number } };
  ConfigMap: { data: Record<string, string> };
  Ingress: { spec: { tls: Array<{ secretName: string }>; rules: Array<{ http: { paths: Array<{ path: string; backend: { service: { name: string } } }> } }> } };
  Namespace: object;
}

function all<K extends keyof Kinds>(resources: Resource[], kind: K): Array<Resource & Kinds[K]> {
  return resources.filter((r) => r.kind === kind) as Array<Resource & Kinds[K]>;
}

function find<K extends keyof Kinds>(resources: Resource[], kind: K, name: string): Resource & Kinds[K] {
  const found = all(resources, kind).find((r) => r.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

function podSpec(resource: Kinds['Deployment'] | Kinds['Job']): PodSpec {
  return resource.spec.template.spec;
}

function modelFor(resource: Resource): { validate(): void } {
  // Core kinds live under v1/, the others under <group>/<version>/.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(`kubernetes-models/${resource.apiVersion}/${resource.kind}`) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[resource.kind];
  if (!Model) throw new Error(`kubernetes-models has no ${resource.apiVersion} ${resource.kind}`);
  return new Model(resource);
}

describe.each(Object.entries(rendered))('%s', (_variant, resources) => {
  test.each(resources.map((r) => [`${r.kind} ${r.metadata.name}`, r] as const))('%s is valid against its Kubernetes schema', (_label, resource) => {
    expect(() => modelFor(resource).validate()).not.toThrow();
  });

  test.each(APP_CONFIGS)('$app: a Deployment probing /health/ready and /health on the port its config listens on, with requests and limits', ({ app, schema, portVar }) => {
    const deployment = find(resources, 'Deployment', app);
    const [container] = podSpec(deployment).containers;
    const port = defaultOf(schema, portVar);
    expect(container?.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container?.env?.find((e) => e.name === portVar)?.value).toBe(String(port));
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    for (const kind of ['requests', 'limits'] as const) {
      expect(container?.resources?.[kind]).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    }
    // Pods select by name: a Service, a PodDisruptionBudget and the NetworkPolicy find them.
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': app });
    expect(find(resources, 'Service', app).spec.selector).toEqual({ 'app.kubernetes.io/name': app });
    expect(find(resources, 'PodDisruptionBudget', app).spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': app });
    const policy = find(resources, 'NetworkPolicy', 'coachline-ingress');
    for (const [k, v] of Object.entries(policy.spec.podSelector.matchLabels)) expect(labels[k]).toBe(v);
  });

  test.each(APP_CONFIGS)('$app: the environment the Deployment gives it passes its zod schema', ({ app, schema }) => {
    const configMap = find(resources, 'ConfigMap', 'coachline-config').data;
    const [container] = podSpec(find(resources, 'Deployment', app)).containers;
    expect(container?.envFrom).toEqual([{ configMapRef: { name: 'coachline-config' } }]);
    // What the operator's Secret holds, in the shape each key takes.
    const fromSecret = (key: string) => (key.endsWith('_URL') ? (key.startsWith('REDIS') ? 'redis://:pw@redis:6379' : key === 'SMTP_URL' ? 'smtp://mail:587' : 'postgres://u:pw@pgbouncer:6432/coachline') : key === 'QUEUE_DASHBOARD_CREDENTIALS' ? 'operator:0123456789abcdef' : key === 'ENCRYPTION_KEYS' ? `k1:${Buffer.alloc(32, 7).toString('base64')}` : 'x'.repeat(43));
    const env: Record<string, string> = { ...configMap };
    for (const e of container?.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      env[e.name] = ref ? fromSecret(ref.key) : (e.value ?? '');
    }
    for (const key of requiredKeys(schema)) expect({ app, key, set: key in env }).toEqual({ app, key, set: true });
    const result = schema.safeParse(env);
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    expect(env['NODE_ENV']).toBe('production');
    expect(env['DATABASE_TRANSACTION_POOLER']).toBe('true');
    if (app === 'notifications-worker') expect(['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'SMTP_URL'].filter((k) => !(k in env))).toEqual([]);
    if (app === 'api-gateway') expect(env['TRUST_PROXY']).toBe('1');
  });

  test('secrets are referenced, never inlined: no Secret object, every secretKeyRef names coachline-secrets, no secret-looking literal', () => {
    expect(resources.filter((r) => r.kind === 'Secret')).toEqual([]);
    for (const r of [...all(resources, 'Deployment'), ...all(resources, 'Job')]) {
      const spec = podSpec(r);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          if (/SECRET|PASSWORD|CREDENTIALS|PRIVATE_KEY|_URL$/.test(e.name) && !['PUBLIC_APP_URL'].includes(e.name)) expect({ name: e.name, ref: e.valueFrom?.secretKeyRef?.name }).toEqual({ name: e.name, ref: 'coachline-secrets' });
        }
      }
    }
    const configMap = find(resources, 'ConfigMap', 'coachline-config').data;
    expect(Object.keys(configMap).filter((k) => /SECRET|PASSWORD|CREDENTIALS|PRIVATE_KEY|DATABASE_URL|REDIS_URL/.test(k))).toEqual([]);
  });

  test('the HTTP tiers autoscale from two replicas; the HPAs target Deployments that exist', () => {
    const hpas = all(resources, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['api-gateway', 'realtime']);
    for (const hpa of hpas) {
      expect(find(resources, 'Deployment', hpa.spec.scaleTargetRef.name)).toBeDefined();
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    }
  });

  test('the migration Job runs the built migration command with the owner URL from the Secret, then sets the role passwords', () => {
    const job = find(resources, 'Job', 'migrate');
    const spec = podSpec(job);
    const migrate = spec.initContainers?.find((c) => c.name === 'migrate');
    expect(migrate?.command).toEqual(['node', '/app/packages/db/dist/migrate-cli.js']);
    expect(migrate?.image).toBe(podSpec(find(resources, 'Deployment', 'api-gateway')).containers[0]?.image);
    expect(migrate?.env).toEqual([{ name: 'DATABASE_OWNER_URL', valueFrom: { secretKeyRef: { name: 'coachline-secrets', key: 'DATABASE_OWNER_URL' } } }]);
    expect(spec.containers.map((c) => c.name)).toEqual(['role-passwords']);
    const sql = find(resources, 'ConfigMap', 'coachline-role-passwords-sql').data['role-passwords.sql'];
    expect(sql).toBe(readFileSync(path.join(ROOT, 'infra/postgres/role-passwords.sql'), 'utf8'));
  });

  test('the Ingress serves TLS, the API at / and Socket.io at /socket.io with WebSocket-length timeouts and affinity', () => {
    const ingresses = all(resources, 'Ingress');
    const backends = ingresses.flatMap((i) => i.spec.rules.flatMap((rule) => rule.http.paths.map((p) => [p.path, p.backend.service.name])));
    expect(backends).toEqual(expect.arrayContaining([['/', 'api-gateway'], ['/socket.io', 'realtime']]));
    for (const ingress of ingresses) expect(ingress.spec.tls[0]?.secretName).toBe('coachline-tls');
    const realtime = find(resources, 'Ingress', 'realtime').metadata.annotations ?? {};
    expect(Number(realtime['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(45);
    expect(realtime['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    expect(find(resources, 'Ingress', 'api').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('1m');
  });
});

describe('the production overlay', () => {
  const resources = rendered.production;

  test('puts everything in its namespace, which enforces the restricted pod security standard', () => {
    expect(find(resources, 'Namespace', 'coachline').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const r of resources.filter((x) => x.kind !== 'Namespace')) expect({ id: `${r.kind}/${r.metadata.name}`, ns: r.metadata.namespace }).toEqual({ id: `${r.kind}/${r.metadata.name}`, ns: 'coachline' });
  });

  test('runs released images from the registry, two replicas of each app, and keeps the base settings it does not override', () => {
    for (const { app } of APP_CONFIGS) {
      const deployment = find(resources, 'Deployment', app);
      expect(podSpec(deployment).containers[0]?.image).toBe(`registry.example.com/coachline/${app}:1.0.0`);
      expect(deployment.spec.replicas).toBe(2);
    }
    const media = podSpec(find(resources, 'Deployment', 'media-worker')).containers[0];
    expect(media?.resources?.limits?.['memory']).toBe('2Gi');
    expect(media?.readinessProbe?.httpGet?.path).toBe('/health/ready');
    const config = find(resources, 'ConfigMap', 'coachline-config').data;
    expect(config['S3_REGION']).toBe('eu-central-1');
    expect(config['NODE_ENV']).toBe('production');
  });
});

test('the renderer merges named list items and fails on what it cannot render (so the checks above see what kustomize would)', () => {
  expect(strategicMerge({ containers: [{ name: 'a', image: 'x', ports: [1] }, { name: 'b' }] }, { containers: [{ name: 'a', image: 'y' }] })).toEqual({
    containers: [{ name: 'a', image: 'y', ports: [1] }, { name: 'b' }],
  });
  expect(() => render(path.join(ROOT, 'e2e/src/deploy'))).toThrow();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Deployment = (require('kubernetes-models/apps/v1/Deployment') as { Deployment: new (d: unknown) => { validate(): void } }).Deployment;
  expect(() => new Deployment({ metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 'http' }] }] } } } }).validate()).toThrow();
});

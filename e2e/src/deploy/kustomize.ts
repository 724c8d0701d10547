import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small kustomize renderer, enough for infra/k8s and nothing more: no kustomize
 * or kubectl binary runs here. It supports `resources` (files and folders with a
 * kustomization), `namespace`, `images` and `patches` given by `path`, applied
 * as strategic merge patches whose target is the patch's own kind and name (maps
 * merge, lists of named items merge by name, other lists are replaced). Any other
 * field in a kustomization is an error, so the renderer never silently ignores
 * what real kustomize would apply.
 */
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path: string }>;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'IngressClass']);

function readDocuments(file: string): Resource[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as Resource | null;
    })
    .filter((doc): doc is Resource => doc !== null);
}

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strategic merge, the subset kustomize applies to the fields these manifests patch. */
export function strategicMerge(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) out[key] = key in base ? strategicMerge(base[key], value) : value;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && patch.every((p) => isObject(p) && typeof p['name'] === 'string')) {
    const items: Json[] = base;
    const patches: Json[] = patch;
    const out = items.map((item): Json => {
      const match: Json = isObject(item) ? patches.find((p) => isObject(p) && p['name'] === item['name']) : undefined;
      return match ? strategicMerge(item, match) : item;
    });
    for (const item of patches) if (isObject(item) && !items.some((b) => isObject(b) && b['name'] === item['name'])) out.push(item);
    return out;
  }
  return patch;
}

function setImages(resource: Resource, images: NonNullable<Kustomization['images']>): Resource {
  const visit = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node)) out[key] = visit(value);
    if (typeof out['image'] === 'string' && typeof out['name'] === 'string') {
      const current = out['image'];
      const [name = '', tag] = current.split(/:(?=[^/]+$)/);
      const rule = images.find((i) => i.name === name);
      if (rule) out['image'] = `${rule.newName ?? name}:${rule.newTag ?? tag ?? 'latest'}`;
    }
    return out;
  };
  return visit(resource) as Resource;
}

/** Renders the kustomization in `dir` into its list of resources. */
export function render(dir: string): Resource[] {
  const file = path.join(dir, 'kustomization.yaml');
  const kustomization = readDocuments(file)[0] as unknown as Kustomization;
  const unsupported = Object.keys(kustomization).filter((k) => !SUPPORTED.has(k));
  if (unsupported.length) throw new Error(`${file}: this renderer does not support ${unsupported.join(', ')}`);
  let resources: Resource[] = [];
  for (const entry of kustomization.resources ?? []) {
    const target = path.resolve(dir, entry);
    if (!existsSync(target)) throw new Error(`${file}: resource ${entry} does not exist`);
    resources.push(...(statSync(target).isDirectory() ? render(target) : readDocuments(target)));
  }
  for (const { path: patchPath } of kustomization.patches ?? []) {
    for (const patch of readDocuments(path.resolve(dir, patchPath))) {
      const index = resources.findIndex((r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name);
      if (index < 0) throw new Error(`${patchPath}: no ${patch.kind} named ${patch.metadata.name} to patch`);
      resources[index] = strategicMerge(resources[index], patch) as Resource;
    }
  }
  if (kustomization.images) resources = resources.map((r) => setImages(r, kustomization.images ?? []));
  if (kustomization.namespace) {
    resources = resources.map((r) => (CLUSTER_SCOPED.has(r.kind) ? r : { ...r, metadata: { ...r.metadata, namespace: kustomization.namespace } }));
  }
  const seen = new Set<string>();
  for (const r of resources) {
    const id = `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`;
    if (seen.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    seen.add(id);
  }
  return resources;
}

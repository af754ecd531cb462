import { createRequire } from 'node:module';
import { groupOf, versionOf, type K8sObject } from '../core/object.js';
import { joinPath, type SchemaIssue } from './structural-schema.js';

/**
 * Built-in kinds are checked with the validators that `kubernetes-models` 4.5.1 generates from the
 * Kubernetes v1.33.0 OpenAPI spec (enums included). Those validators accept unknown fields, so unknown
 * fields are found another way: an ajv-generated validator inspects every declared property of each
 * object it checks (`data.x === undefined`), and enumerates the keys of maps. Any key it never looked
 * at is not in the schema, which is what the apiserver rejects under strict field validation.
 */

export const BUILTIN_SCHEMA_SOURCE = 'kubernetes-models 4.5.1 (Kubernetes v1.33.0 OpenAPI)';

/** API groups served by kube-apiserver itself; anything else needs a CRD. */
const BUILTIN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'storage.k8s.io',
  'scheduling.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'coordination.k8s.io',
  'discovery.k8s.io', 'node.k8s.io', 'certificates.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io',
  'apiregistration.k8s.io', 'resource.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io',
  'internal.apiserver.k8s.io', 'storagemigration.k8s.io', 'extensions',
]);

/**
 * kubernetes-models keeps every API version it ever generated, so versions the apiserver no longer
 * serves are listed here (from the Kubernetes deprecated-API migration guide), with the release that
 * removed them. Keys are `apiVersion` or `apiVersion/Kind`.
 */
const REMOVED: Record<string, string> = {
  'extensions/v1beta1': '1.22', 'apps/v1beta1': '1.16', 'apps/v1beta2': '1.16', 'batch/v1beta1': '1.25',
  'batch/v2alpha1': '1.21', 'autoscaling/v2beta1': '1.25', 'autoscaling/v2beta2': '1.26', 'policy/v1beta1': '1.25',
  'rbac.authorization.k8s.io/v1beta1': '1.22', 'rbac.authorization.k8s.io/v1alpha1': '1.22',
  'networking.k8s.io/v1beta1/Ingress': '1.22', 'networking.k8s.io/v1beta1/IngressClass': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22', 'apiregistration.k8s.io/v1beta1': '1.22',
  'admissionregistration.k8s.io/v1beta1/MutatingWebhookConfiguration': '1.22',
  'admissionregistration.k8s.io/v1beta1/ValidatingWebhookConfiguration': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22', 'scheduling.k8s.io/v1alpha1/PriorityClass': '1.17',
  'storage.k8s.io/v1beta1/CSIDriver': '1.22', 'storage.k8s.io/v1beta1/CSINode': '1.22',
  'storage.k8s.io/v1beta1/StorageClass': '1.22', 'storage.k8s.io/v1beta1/VolumeAttachment': '1.22',
  'storage.k8s.io/v1beta1/CSIStorageCapacity': '1.27', 'certificates.k8s.io/v1beta1/CertificateSigningRequest': '1.22',
  'coordination.k8s.io/v1beta1/Lease': '1.22', 'discovery.k8s.io/v1beta1': '1.25', 'events.k8s.io/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25', 'node.k8s.io/v1alpha1': '1.25', 'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29', 'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
};

/**
 * kubernetes-models drops `description` and the x-kubernetes-* properties from these definitions'
 * schemas (found by comparing every validator with the package's .d.ts files), so they are allowed by hand.
 * Each entry: a property only that definition has, and the keys to allow.
 */
const DROPPED_PROPERTIES: Array<[marker: string, keys: string[]]> = [
  ['$schema', ['description', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys',
    'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations']],
  ['jsonPath', ['description']],
  ['JSONPath', ['description']],
  ['url', ['description']],
  ['globalDefault', ['description']],
];


export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

interface ModelClass {
  prototype: { validate(this: unknown): void };
}

const require = createRequire(import.meta.url);
const models = new Map<string, ModelClass | null>();

export function isBuiltinApiVersion(apiVersion: string): boolean {
  return BUILTIN_GROUPS.has(groupOf(apiVersion));
}

function modelFor(apiVersion: string, kind: string): ModelClass | null {
  const key = `${apiVersion}/${kind}`;
  let model = models.get(key);
  if (model === undefined) {
    const group = groupOf(apiVersion);
    const dir = group ? `${group}/${versionOf(apiVersion)}` : versionOf(apiVersion);
    try {
      // The CommonJS build loads lazily and synchronously: only the kinds a render uses are loaded.
      const mod = require(`kubernetes-models/${dir}/${kind}`) as Record<string, ModelClass>;
      model = mod[kind] ?? null;
    } catch {
      model = null;
    }
    models.set(key, model);
  }
  return model;
}

/** Issues for a built-in kind, or undefined when the apiVersion is not a built-in group (then it needs a CRD). */
export function validateBuiltin(obj: K8sObject): SchemaIssue[] | undefined {
  if (!isBuiltinApiVersion(obj.apiVersion)) return undefined;
  const removedIn = REMOVED[`${obj.apiVersion}/${obj.kind}`] ?? REMOVED[obj.apiVersion];
  if (removedIn) {
    return [{ path: 'apiVersion', message: `${obj.apiVersion} ${obj.kind} is no longer served since Kubernetes ${removedIn}` }];
  }
  const model = modelFor(obj.apiVersion, obj.kind);
  if (!model) {
    return [{ path: 'kind', message: `${obj.kind} is not a kind of ${obj.apiVersion} in Kubernetes v1.33 (removed, renamed or misspelt?)` }];
  }
  const { errors, unknown } = runRecorded((data) => model.prototype.validate.call(data), obj);
  return dedupe([...collapseAlternatives(errors).map((e) => toIssue(e, obj)), ...unknown]);
}

/**
 * A failed oneOf (int-or-string, quantity) comes with one error per branch at the same path; they
 * are merged into one error that lists what would have been accepted.
 */
function collapseAlternatives(errors: AjvError[]): AjvError[] {
  const unions = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  if (unions.size === 0) return errors;
  const out: AjvError[] = [];
  for (const path of unions) {
    const here = errors.filter((e) => e.instancePath === path && e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
    const formats = here.filter((e) => e.keyword === 'format').map((e) => `a string of format ${String(e.params.format)}`);
    const types = here.filter((e) => e.keyword === 'type' && !(formats.length && e.params.type === 'string')).map((e) => article(String(e.params.type)));
    out.push({ instancePath: path, keyword: 'alternatives', params: { accepted: [...types, ...formats].sort() } });
  }
  return [...errors.filter((e) => !unions.has(e.instancePath)), ...out];
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Runs a generated validator (which throws `{errors}` on failure) on a recording view of `value`;
 * returns its errors and the fields it never inspected. Exported for the test that checks the
 * recording against every definition in kubernetes-models.
 */
export function runRecorded(run: (data: unknown) => void, value: unknown): { errors: AjvError[]; unknown: SchemaIssue[] } {
  const rec = new Recorder();
  let errors: AjvError[] = [];
  try {
    run(rec.wrap(value));
  } catch (err) {
    errors = ((err as { errors?: AjvError[] }).errors ?? []) as AjvError[];
  }
  return { errors, unknown: rec.unknownFields(value, '') };
}

class Recorder {
  private readonly reads = new WeakMap<object, Set<string>>();
  private readonly enumerated = new WeakSet<object>();
  private readonly proxies = new WeakMap<object, object>();

  wrap(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    let p = this.proxies.get(value);
    if (!p) {
      const note = (t: object, k: string | symbol): void => {
        if (typeof k !== 'string') return;
        let set = this.reads.get(t);
        if (!set) this.reads.set(t, (set = new Set()));
        set.add(k);
      };
      p = new Proxy(value, {
        get: (t, k, r) => {
          note(t, k);
          return this.wrap(Reflect.get(t, k, r));
        },
        has: (t, k) => {
          note(t, k);
          return Reflect.has(t, k);
        },
        ownKeys: (t) => {
          this.enumerated.add(t);
          return Reflect.ownKeys(t);
        },
      });
      this.proxies.set(value, p);
    }
    return p;
  }

  unknownFields(value: unknown, path: string): SchemaIssue[] {
    if (typeof value !== 'object' || value === null) return [];
    if (Array.isArray(value)) return value.flatMap((v, i) => this.unknownFields(v, `${path}[${i}]`));
    const obj = value as Record<string, unknown>;
    const reads = this.reads.get(obj);
    const out: SchemaIssue[] = [];
    // Maps (enumerated) and free-form objects (never inspected) have no fixed field set.
    const checked = reads !== undefined && reads.size > 0 && !this.enumerated.has(obj);
    const allowed = checked ? droppedProperties(reads) : [];
    for (const [k, v] of Object.entries(obj)) {
      const p = joinPath(path, k);
      if (checked && !reads.has(k) && !allowed.includes(k)) out.push({ path: p, message: `unknown field "${k}"` });
      else out.push(...this.unknownFields(v, p));
    }
    return out;
  }
}

function droppedProperties(reads: Set<string>): string[] {
  return DROPPED_PROPERTIES.filter(([marker]) => reads.has(marker)).flatMap(([, keys]) => keys);
}

function toIssue(e: AjvError, root: unknown): SchemaIssue {
  const { path, value } = resolvePointer(root, e.instancePath);
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return { path: joinPath(path, String(p.missingProperty)), message: `Required value: "${String(p.missingProperty)}" is required` };
    case 'type':
      return { path, message: `must be of type ${String(p.type)}, got ${describe(value)}` };
    case 'enum':
      return { path, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'alternatives':
      return { path, message: `Invalid value: ${JSON.stringify(value)}: must be ${(p.accepted as string[]).join(' or ')}` };
    case 'format':
      return { path, message: `Invalid value: ${JSON.stringify(value)}: must be of format ${String(p.format)}` };
    default:
      return { path, message: `Invalid value: ${JSON.stringify(value)}: fails "${e.keyword}" ${JSON.stringify(p)}` };
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  const t = Array.isArray(v) ? 'array' : typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v;
  const s = JSON.stringify(v) ?? String(v);
  return `${t} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}

function resolvePointer(root: unknown, pointer: string): { path: string; value: unknown } {
  let path = '';
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      path += `[${seg}]`;
      value = value[Number(seg)];
    } else {
      path = joinPath(path, seg);
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[seg] : undefined;
    }
  }
  return { path, value };
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

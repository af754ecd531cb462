/**
 * The field sets of built-in kinds, for what the apiserver's decoder does with fields a Go type
 * does not have: drop them, warn, or refuse them under fieldValidation=Strict, and fail
 * server-side apply's typed conversion. Taken at run time from the type map that
 * @kubernetes/client-node 1.4.0 generates from the Kubernetes 1.34 OpenAPI spec (a production
 * dependency; the chart linter reads kubernetes-models instead, so the two do not share a bug).
 */
import { isObj } from './util.js';

interface Attribute {
  baseName: string;
  type: string;
}

type Models = Record<string, { attributeTypeMap?: Attribute[] } | undefined>;

let models: Models | undefined;

/** Loads the type map once per process (about 200 ms); the API itself is synchronous. */
export async function loadBuiltinSchemas(): Promise<void> {
  if (models) return;
  models = (await import('@kubernetes/client-node/dist/gen/models/all.js')) as unknown as Models;
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** client-node names a kind's class V1Deployment, or CoreV1Event / EventsV1Event where names collide. */
export function builtinTypeName(apiVersion: string, kind: string): string | undefined {
  if (!models) return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = capitalized(slash < 0 ? apiVersion : apiVersion.slice(slash + 1));
  const prefix = group ? capitalized(group.split('.')[0]) : 'Core';
  return [`${prefix}${version}${kind}`, `${version}${kind}`].find((n) => models![n]?.attributeTypeMap);
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/**
 * Removes the fields of `o` its built-in type does not declare; returns their paths in the
 * decoder's notation ("spec.template.spec.containers[0].imagez"), in document order. Free-form
 * parts (maps, RawExtension, JSON) accept anything.
 */
export function pruneBuiltinUnknownFields(apiVersion: string, kind: string, o: Record<string, unknown>): string[] {
  const type = builtinTypeName(apiVersion, kind);
  const removed: string[] = [];
  if (type) walk(o, type, '', removed);
  return removed;
}

function walk(value: unknown, type: string, path: string, removed: string[]): void {
  const array = ARRAY.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((x, i) => walk(x, array[1], `${path}[${i}]`, removed));
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    if (isObj(value)) for (const [k, x] of Object.entries(value)) walk(x, map[1], path ? `${path}.${k}` : k, removed);
    return;
  }
  const fields = models?.[type]?.attributeTypeMap;
  if (!fields || !isObj(value)) return;
  for (const key of Object.keys(value)) {
    const p = path ? `${path}.${key}` : key;
    const f = fields.find((a) => a.baseName === key);
    if (!f) {
      removed.push(p);
      delete value[key];
    } else walk(value[key], f.type, p, removed);
  }
}

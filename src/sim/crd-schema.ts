/**
 * What the apiserver does to a custom resource with its CRD's structural schema before validating
 * it (structural.ts): prune unknown fields (reporting them for strict field validation), drop
 * nulls from non-nullable fields, and apply `default`s.
 */
import { clone, isObj } from './util.js';

type Schema = Record<string, any>;

const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Removes fields the schema does not declare; returns their paths ("spec.foo") in document order.
 * The root is a resource: apiVersion, kind and ObjectMeta fields are implied.
 */
export function pruneUnknownFields(value: Record<string, unknown>, schema: Schema | undefined): string[] {
  const removed: string[] = [];
  if (!schema) return removed;
  const walk = (v: unknown, s: Schema, path: string, root: boolean): void => {
    if (Array.isArray(v)) {
      if (isObj(s.items)) v.forEach((x, i) => walk(x, s.items, `${path}[${i}]`, false));
      return;
    }
    if (!isObj(v)) return;
    const embedded = root || s['x-kubernetes-embedded-resource'] === true;
    // An embedded resource's metadata is ObjectMeta even under preserve-unknown-fields (objectmeta.Coerce).
    if (embedded && isObj(v.metadata)) {
      for (const mk of Object.keys(v.metadata)) {
        if (!OBJECT_META_FIELDS.has(mk)) {
          removed.push(childPath(childPath(path, 'metadata'), mk));
          delete v.metadata[mk];
        }
      }
    }
    if (s['x-kubernetes-preserve-unknown-fields'] === true && !isObj(s.properties) && !isObj(s.additionalProperties)) return;
    const props: Schema = isObj(s.properties) ? s.properties : {};
    const extra = s.additionalProperties;
    for (const key of Object.keys(v)) {
      const p = childPath(path, key);
      if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
      if (isObj(props[key])) walk(v[key], props[key], p, false);
      else if (isObj(extra)) walk(v[key], extra, p, false);
      else if (extra === true || s['x-kubernetes-preserve-unknown-fields'] === true) continue;
      else {
        removed.push(p);
        delete v[key];
      }
    }
  };
  walk(value, schema, '', true);
  return removed;
}

/** Nulls in fields that are not nullable are dropped before validation, as the apiserver does. */
export function dropNulls(value: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    if (isObj(schema.items)) for (const x of value) dropNulls(x, schema.items);
    return;
  }
  if (!isObj(value)) return;
  const props: Schema = isObj(schema.properties) ? schema.properties : {};
  for (const [k, v] of Object.entries(value)) {
    const ps = isObj(props[k]) ? props[k] : isObj(schema.additionalProperties) ? schema.additionalProperties : undefined;
    if (v === null && ps && !ps.nullable) delete value[k];
    else if (ps) dropNulls(v, ps);
  }
}

/** Fills in schema `default`s for absent properties, recursively (including inside defaults). */
export function applySchemaDefaults(value: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    if (isObj(schema.items)) for (const x of value) applySchemaDefaults(x, schema.items);
    return;
  }
  if (!isObj(value)) return;
  const props: Schema = isObj(schema.properties) ? schema.properties : {};
  for (const [k, ps] of Object.entries(props)) {
    if (!isObj(ps)) continue;
    if (value[k] === undefined && ps.default !== undefined) value[k] = clone(ps.default);
    if (value[k] !== undefined) applySchemaDefaults(value[k], ps);
  }
  if (isObj(schema.additionalProperties)) {
    for (const [k, v] of Object.entries(value)) if (!(k in props)) applySchemaDefaults(v, schema.additionalProperties);
  }
}

import { isPlainObject } from '../core/object.js';
import { compileRule, noteSkip, type CelStats } from './cel.js';
import { formatProblem, patternMatcher } from './formats.js';

/**
 * Validation of a value against a CRD structural schema with the apiserver's semantics under strict
 * field validation: nulls in non-nullable fields are pruned, defaults are applied, unknown fields are
 * errors, then value validations run, then the `x-kubernetes-validations` CEL rules (skipped entirely,
 * as the apiserver does, when a type error was found). No I/O: the API simulator imports this too.
 */

export interface SchemaIssue {
  /** Field path in kubectl style: `spec.listeners[0].port`; map keys that are not plain words use `[key]`. */
  path: string;
  message: string;
}

export interface StructuralSchemaOptions {
  /** Evaluate `x-kubernetes-validations` (default true). */
  cel?: boolean;
  /** Counters every validation adds to; share one object across validators for totals. */
  celStats?: CelStats;
  /** The schema is a resource's openAPIV3Schema, so apiVersion, kind and metadata (ObjectMeta) are implied. */
  resourceRoot?: boolean;
}

/**
 * Validates a value (and, for transition rules, the stored old value). `apply` also returns what the
 * apiserver would store: nulls and unknown fields pruned, defaults applied. The result shares
 * unchanged subtrees with the input, so clone it before mutating either.
 */
export type StructuralValidator = ((value: unknown, oldValue?: unknown) => SchemaIssue[]) & {
  apply(value: unknown, oldValue?: unknown): { value: unknown; issues: SchemaIssue[] };
};

/** The subset of JSONSchemaProps that CRD structural schemas use. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  nullable?: boolean;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
}

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

interface CelTask {
  schema: Schema;
  value: unknown;
  old: unknown;
  path: string;
}

interface Walk {
  issues: SchemaIssue[];
  typeErrors: number;
  tasks: CelTask[];
}

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
]);

export function compileStructuralSchema(openAPIV3Schema: object, opts: StructuralSchemaOptions = {}): StructuralValidator {
  const root = openAPIV3Schema as Schema;
  const useCel = opts.cel !== false;
  const apply = (value: unknown, oldValue?: unknown): { value: unknown; issues: SchemaIssue[] } => {
    const walk: Walk = { issues: [], typeErrors: 0, tasks: [] };
    const out = normalize(value, root, '', oldValue, walk, opts.resourceRoot === true);
    if (useCel && walk.tasks.length > 0) {
      if (walk.typeErrors === 0) runCel(walk, opts.celStats);
      else {
        const rules = walk.tasks.reduce((n, t) => n + (t.schema['x-kubernetes-validations']?.length ?? 0), 0);
        noteSkip(opts.celStats, 'object has type errors', rules);
      }
    }
    return { value: out, issues: walk.issues };
  };
  return Object.assign((value: unknown, oldValue?: unknown) => apply(value, oldValue).issues, { apply });
}

export function joinPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${key}]`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'bigint') return 'integer';
  return typeof v;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
    case 'number':
      return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/** Prunes, defaults and validates one node; returns the value the apiserver would store (and CEL would see). */
function normalize(value: unknown, s: Schema, path: string, old: unknown, walk: Walk, resourceRoot = false): unknown {
  if (value === null) {
    if (!s.nullable) {
      walk.typeErrors++;
      walk.issues.push({ path, message: `must be of type ${s.type ?? 'value'}, got null` });
    }
    return value;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || typeMatches('integer', value))) {
      walk.typeErrors++;
      walk.issues.push({ path, message: `must be an integer or a string, got ${typeName(value)} ${preview(value)}` });
      return value;
    }
  } else if (s.type && !typeMatches(s.type, value)) {
    walk.typeErrors++;
    walk.issues.push({ path, message: `must be of type ${s.type}, got ${typeName(value)} ${preview(value)}` });
    return value;
  }

  let out = value;
  if (isPlainObject(value) && (s.type === 'object' || s.properties || s.additionalProperties !== undefined)) {
    out = normalizeObject(value, s, path, isPlainObject(old) ? old : undefined, walk, resourceRoot);
  } else if (Array.isArray(value)) {
    out = normalizeArray(value, s, path, Array.isArray(old) ? old : undefined, walk);
  }
  valueChecks(out, s, path, walk.issues, false);
  if (s['x-kubernetes-validations']?.length) walk.tasks.push({ schema: s, value: out, old, path });
  return out;
}

function normalizeObject(
  value: Record<string, unknown>,
  s: Schema,
  path: string,
  old: Record<string, unknown> | undefined,
  walk: Walk,
  resourceRoot: boolean,
): Record<string, unknown> {
  const props = s.properties ?? {};
  const extra = s.additionalProperties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const implicitMeta = resourceRoot || s['x-kubernetes-embedded-resource'] === true;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (child === undefined) continue;
    const childPath = joinPath(path, key);
    const ps = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
    if (implicitMeta && key === 'metadata') {
      // CRDs may only narrow name/generateName here; everything else is ObjectMeta, which no CRD describes.
      objectMetaChecks(child, childPath, walk);
      if (ps?.properties && isPlainObject(child)) {
        for (const [k, sub] of Object.entries(ps.properties)) {
          if (child[k] !== undefined && child[k] !== null) normalize(child[k], sub, joinPath(childPath, k), undefined, walk);
        }
      }
      out[key] = child;
    } else if (implicitMeta && (key === 'apiVersion' || key === 'kind') && !ps) {
      if (typeof child !== 'string') {
        walk.typeErrors++;
        walk.issues.push({ path: childPath, message: `must be of type string, got ${typeName(child)}` });
      }
      out[key] = child;
    } else if (ps) {
      if (child === null && !ps.nullable) continue;
      out[key] = normalize(child, ps, childPath, old?.[key], walk);
    } else if (typeof extra === 'object') {
      if (child === null && !extra.nullable) continue;
      out[key] = normalize(child, extra, childPath, old?.[key], walk);
    } else if (extra === true || preserve) {
      out[key] = child;
    } else {
      walk.issues.push({ path: childPath, message: `unknown field "${key}"` });
    }
  }
  for (const [key, ps] of defaultedProperties(s)) {
    if (out[key] === undefined) {
      // Defaults were validated when the CRD was created; normalizing applies the defaults nested inside.
      const scratch: Walk = { issues: [], typeErrors: 0, tasks: [] };
      out[key] = normalize(structuredClone(ps.default), ps, joinPath(path, key), old?.[key], scratch);
      walk.tasks.push(...scratch.tasks);
    }
  }
  for (const key of s.required ?? []) {
    if (out[key] === undefined) walk.issues.push({ path: joinPath(path, key), message: `Required value: "${key}" is required` });
  }
  return out;
}

const defaultedCache = new WeakMap<Schema, Array<[string, Schema]>>();

/** Properties with defaults, computed once per schema node: big CRD objects have hundreds of properties. */
function defaultedProperties(s: Schema): Array<[string, Schema]> {
  let list = defaultedCache.get(s);
  if (!list) {
    list = Object.entries(s.properties ?? {}).filter(([, ps]) => ps.default !== undefined);
    defaultedCache.set(s, list);
  }
  return list;
}

function normalizeArray(value: unknown[], s: Schema, path: string, old: unknown[] | undefined, walk: Walk): unknown[] {
  const items = s.items;
  const listType = s['x-kubernetes-list-type'];
  const mapKeys = listType === 'map' ? s['x-kubernetes-list-map-keys'] ?? [] : [];
  const oldByKey = new Map<string, unknown>();
  if (old && mapKeys.length > 0) for (const o of old) if (isPlainObject(o)) oldByKey.set(listMapKey(o, mapKeys), o);
  const out = items
    ? value.map((v, i) => {
        // Only list-map items correlate with the old list; other items get no oldSelf, like the apiserver.
        const o = mapKeys.length > 0 && isPlainObject(v) ? oldByKey.get(listMapKey(v, mapKeys)) : undefined;
        return normalize(v, items, `${path}[${i}]`, o, walk);
      })
    : value;
  if (listType === 'set' || listType === 'map') {
    const seen = new Set<string>();
    out.forEach((v, i) => {
      const k = listType === 'map' && isPlainObject(v) ? listMapKey(v, mapKeys) : stableJson(v);
      if (seen.has(k)) walk.issues.push({ path: `${path}[${i}]`, message: `Duplicate value: ${listType === 'map' ? k : preview(v)}` });
      seen.add(k);
    });
  }
  return out;
}

function listMapKey(v: Record<string, unknown>, keys: string[]): string {
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, v[k]])));
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

function objectMetaChecks(meta: unknown, path: string, walk: Walk): void {
  if (!isPlainObject(meta)) {
    walk.typeErrors++;
    walk.issues.push({ path, message: `must be of type object, got ${typeName(meta)}` });
    return;
  }
  for (const [key, v] of Object.entries(meta)) {
    // An undefined property is absent in JSON: it never reaches the API server.
    if (v === undefined) continue;
    const p = joinPath(path, key);
    if (!OBJECT_META_FIELDS.has(key)) walk.issues.push({ path: p, message: `unknown field "${key}"` });
    else if ((key === 'labels' || key === 'annotations') && v !== null) {
      if (!isPlainObject(v)) walk.issues.push({ path: p, message: `must be of type object, got ${typeName(v)}` });
      else for (const [k, x] of Object.entries(v)) {
        if (typeof x !== 'string') walk.issues.push({ path: `${p}[${k}]`, message: `must be of type string, got ${typeName(x)} ${preview(x)}` });
      }
    } else if ((key === 'name' || key === 'namespace' || key === 'generateName') && typeof v !== 'string') {
      walk.issues.push({ path: p, message: `must be of type string, got ${typeName(v)}` });
    }
  }
}

/**
 * Checks that need no knowledge of sibling fields. With `recurse` (inside allOf/anyOf/oneOf/not, which
 * carry value validations only) it also descends and checks types and `required`, without pruning.
 */
function valueChecks(v: unknown, s: Schema, path: string, issues: SchemaIssue[], recurse: boolean): void {
  if (recurse) {
    if (v === null) return;
    if (s.type && !s['x-kubernetes-int-or-string'] && !typeMatches(s.type, v)) {
      issues.push({ path, message: `must be of type ${s.type}, got ${typeName(v)}` });
      return;
    }
  }
  if (s.enum && !s.enum.some((e) => stableJson(e) === stableJson(v))) {
    issues.push({ path, message: `Unsupported value: ${preview(v)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) issues.push({ path, message: `Too long: may not be longer than ${s.maxLength} characters (has ${len})` });
    if (s.minLength !== undefined && len < s.minLength) issues.push({ path, message: `Invalid value: ${preview(v)}: should be at least ${s.minLength} chars long` });
    if (s.pattern !== undefined) {
      const m = patternMatcher(s.pattern);
      if (m && !m(v)) issues.push({ path, message: `Invalid value: ${preview(v)}: should match '${s.pattern}'` });
    }
  }
  if (s.format) {
    const problem = formatProblem(s.format, v);
    if (problem) issues.push({ path, message: `Invalid value: ${preview(v)}: ${problem}` });
  }
  if (typeof v === 'number') numberChecks(v, s, path, issues);
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) issues.push({ path, message: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems) issues.push({ path, message: `Invalid value: ${v.length}: should have at least ${s.minItems} items` });
    if (s.uniqueItems && new Set(v.map(stableJson)).size !== v.length) issues.push({ path, message: 'Duplicate value: items must be unique' });
    if (recurse && s.items) v.forEach((x, i) => valueChecks(x, s.items!, `${path}[${i}]`, issues, true));
  }
  if (isPlainObject(v)) {
    const n = Object.keys(v).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) issues.push({ path, message: `Too many: ${n}: must have at most ${s.maxProperties} properties` });
    if (s.minProperties !== undefined && n < s.minProperties) issues.push({ path, message: `Invalid value: ${n}: should have at least ${s.minProperties} properties` });
    if (recurse) {
      for (const key of s.required ?? []) if (v[key] === undefined) issues.push({ path: joinPath(path, key), message: `Required value: "${key}" is required` });
      for (const [key, x] of Object.entries(v)) {
        const ps = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (ps) valueChecks(x, ps, joinPath(path, key), issues, true);
      }
    }
  }
  combinatorChecks(v, s, path, issues);
}

function numberChecks(v: number, s: Schema, path: string, issues: SchemaIssue[]): void {
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    issues.push({ path, message: `Invalid value: ${v}: should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}` });
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    issues.push({ path, message: `Invalid value: ${v}: should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}` });
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf)) {
    issues.push({ path, message: `Invalid value: ${v}: should be a multiple of ${s.multipleOf}` });
  }
}

function combinatorChecks(v: unknown, s: Schema, path: string, issues: SchemaIssue[]): void {
  const passes = (sub: Schema): boolean => {
    const scratch: SchemaIssue[] = [];
    valueChecks(v, sub, path, scratch, true);
    return scratch.length === 0;
  };
  for (const sub of s.allOf ?? []) valueChecks(v, sub, path, issues, true);
  if (s.anyOf && !s.anyOf.some(passes)) issues.push({ path, message: `Invalid value: ${preview(v)}: must validate at least one schema (anyOf)` });
  if (s.oneOf && s.oneOf.filter(passes).length !== 1) issues.push({ path, message: `Invalid value: ${preview(v)}: must validate one and only one schema (oneOf)` });
  if (s.not && passes(s.not)) issues.push({ path, message: `Invalid value: ${preview(v)}: must not validate the schema (not)` });
}

function runCel(walk: Walk, stats: CelStats | undefined): void {
  const converted = new WeakMap<object, unknown>();
  for (const task of walk.tasks) {
    let self: unknown;
    let oldSelf: unknown;
    for (const r of task.schema['x-kubernetes-validations'] ?? []) {
      const compiled = compileRule(r.rule);
      if (!compiled.ok) {
        noteSkip(stats, compiled.reason);
        continue;
      }
      if (compiled.usesOldSelf && (task.old === undefined || r.optionalOldSelf)) {
        // A transition rule has nothing to compare on create; optionalOldSelf needs CEL optionals we do not model.
        if (stats) stats.transitionSkipped++;
        continue;
      }
      self ??= toCel(task.value, task.schema, converted);
      if (compiled.usesOldSelf) oldSelf ??= toCel(task.old, task.schema, converted);
      const result = compiled.run(self, oldSelf);
      if (!result.ok || typeof result.value !== 'boolean') {
        noteSkip(stats, result.ok ? 'rule result is not a bool' : `runtime error: ${result.error.replace(/: .*/, '')}`);
        continue;
      }
      if (stats) stats.evaluated++;
      if (!result.value) walk.issues.push({ path: fieldPath(task.path, r.fieldPath), message: ruleMessage(r, self, oldSelf) });
    }
  }
}

function ruleMessage(r: ValidationRule, self: unknown, oldSelf: unknown): string {
  if (r.messageExpression) {
    const compiled = compileRule(r.messageExpression);
    if (compiled.ok) {
      const m = compiled.run(self, oldSelf);
      if (m.ok && typeof m.value === 'string' && m.value.trim() !== '') return m.value;
    }
  }
  return r.message ?? `failed rule: ${r.rule.trim()}`;
}

function fieldPath(base: string, rel: string | undefined): string {
  if (!rel) return base;
  const tail = rel.replace(/^\./, '');
  if (!base) return tail;
  return tail.startsWith('[') ? `${base}${tail}` : `${base}.${tail}`;
}

/** CEL sees int64 for integer fields; JSON numbers arrive as doubles, so integers become bigints per the schema. */
function toCel(v: unknown, s: Schema | undefined, memo: WeakMap<object, unknown>): unknown {
  if (v === null || v === undefined) return v;
  if (typeof v === 'number') {
    const integral = s?.type === 'integer' || s?.['x-kubernetes-int-or-string'] || (s?.type === undefined && Number.isInteger(v));
    return integral && Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v !== 'object') return v;
  const hit = memo.get(v);
  if (hit !== undefined) return hit;
  let out: unknown;
  if (Array.isArray(v)) out = v.map((x) => toCel(x, s?.items, memo));
  else {
    const o: Record<string, unknown> = {};
    const extra = typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const [k, x] of Object.entries(v)) o[k] = toCel(x, s?.properties?.[k] ?? extra, memo);
    out = o;
  }
  memo.set(v, out);
  return out;
}

/**
 * Validation of a custom resource against its CRD's structural schema, as the apiextensions
 * apiserver does after pruning and defaulting (crd-schema.ts): the OpenAPI value checks with
 * kube-openapi's wording turned into field errors (kubeOpenAPIResultToFieldErrors), embedded
 * resources' apiVersion/kind, list-type set/map uniqueness, then the x-kubernetes-validations CEL
 * rules unless a blocking error (type, required, enum, too long, too many) was found. Written for
 * the simulator on its own, apart from the chart linter's validator, so a bug in one cannot hide
 * in both.
 */
import { evaluateRule } from './cel.js';
import { fieldErr, RenderedValue, type FieldError } from './errors.js';
import { isObj } from './util.js';

type Schema = Record<string, any>;

interface CelTask {
  schema: Schema;
  value: unknown;
  old: unknown;
  path: string;
}

interface Walk {
  errs: FieldError[];
  cel: CelTask[];
}

const BLOCKING = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

export function validateCustomResource(schema: Schema, obj: unknown, old: unknown): FieldError[] {
  const w: Walk = { errs: [], cel: [] };
  node(obj, schema, '', old, w, true);
  if (w.errs.some((e) => BLOCKING.has(e.type))) {
    // strategy.go's hasBlockingErr: CEL rules are not evaluated on an object of the wrong shape.
    w.errs.push(fieldErr.invalid('<nil>', 'null', 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'));
    return w.errs;
  }
  for (const t of w.cel) w.errs.push(...celErrors(t));
  return w.errs;
}

/** The data's JSON type as kube-openapi names it in "must be of type" errors. */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v === 'string' ? 'string' : 'object';
}

function typeOk(type: string, v: unknown): boolean {
  const actual = jsonType(v);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function node(v: unknown, s: Schema, path: string, old: unknown, w: Walk, root = false): void {
  if (v === null || v === undefined) return;
  const name = path || '.';
  if (s['x-kubernetes-int-or-string'] === true) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
      w.errs.push(fieldErr.typeInvalid(path, jsonType(v), `${name} in body must be of type integer,string: ${JSON.stringify(jsonType(v))}`));
      return;
    }
  } else if (typeof s.type === 'string' && !typeOk(s.type, v)) {
    w.errs.push(fieldErr.typeInvalid(path, jsonType(v), `${name} in body must be of type ${s.type}: ${JSON.stringify(jsonType(v))}`));
    return;
  }
  values(v, s, path, w);
  if (Array.isArray(v)) items(v, s, path, Array.isArray(old) ? old : undefined, w);
  else if (isObj(v)) fields(v, s, path, isObj(old) ? old : undefined, w, root);
  if (Array.isArray(s['x-kubernetes-validations']) && s['x-kubernetes-validations'].length) w.cel.push({ schema: s, value: v, old, path });
}

function fields(v: Record<string, unknown>, s: Schema, path: string, old: Record<string, unknown> | undefined, w: Walk, root: boolean): void {
  const props: Schema = isObj(s.properties) ? s.properties : {};
  for (const key of Array.isArray(s.required) ? s.required : []) {
    if (v[key] === undefined) w.errs.push(fieldErr.required(child(path, key)));
  }
  if (s['x-kubernetes-embedded-resource'] === true && !root) {
    for (const k of ['apiVersion', 'kind']) if (!v[k]) w.errs.push(fieldErr.required(child(path, k), 'must not be empty'));
  }
  for (const [key, value] of Object.entries(v)) {
    if ((root || s['x-kubernetes-embedded-resource'] === true) && key === 'metadata') continue;
    const ps = isObj(props[key]) ? props[key] : isObj(s.additionalProperties) ? s.additionalProperties : undefined;
    if (ps) node(value, ps, child(path, key), old?.[key], w);
  }
}

function items(v: unknown[], s: Schema, path: string, old: unknown[] | undefined, w: Walk): void {
  const listType = s['x-kubernetes-list-type'];
  const keys: string[] = listType === 'map' && Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'] : [];
  const keyOf = (x: unknown) => JSON.stringify(keys.map((k) => (isObj(x) ? x[k] : undefined)));
  // Transition rules see the old item with the same map keys; other list items have no old value.
  const oldByKey = new Map<string, unknown>();
  if (old && keys.length) for (const o of old) oldByKey.set(keyOf(o), o);
  if (isObj(s.items)) v.forEach((x, i) => node(x, s.items, `${path}[${i}]`, keys.length ? oldByKey.get(keyOf(x)) : undefined, w));
  if (listType === 'set' || listType === 'map') {
    const seen = new Set<string>();
    v.forEach((x, i) => {
      const k = listType === 'map' ? keyOf(x) : JSON.stringify(x);
      if (seen.has(k)) {
        const shown = listType === 'map' && isObj(x) ? Object.fromEntries(keys.filter((key) => x[key] !== undefined).map((key) => [key, x[key]])) : x;
        w.errs.push(fieldErr.duplicate(`${path}[${i}]`, typeof shown === 'string' ? shown : new RenderedValue(JSON.stringify(shown))));
      }
      seen.add(k);
    });
  }
}

/** Checks on the value itself, in kube-openapi's words ("<path> in body should ..."). */
function values(v: unknown, s: Schema, path: string, w: Walk): void {
  const name = path || '.';
  const bad = (detail: string, value: unknown = v) => w.errs.push(fieldErr.invalid(path, value, `${name} in body ${detail}`));
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    w.errs.push(fieldErr.notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'string') {
    const length = [...v].length;
    if (typeof s.maxLength === 'number' && length > s.maxLength) w.errs.push(fieldErr.tooLong(path, v, s.maxLength));
    if (typeof s.minLength === 'number' && length < s.minLength) bad(`should be at least ${s.minLength} chars long`);
    if (typeof s.pattern === 'string' && !patternMatches(s.pattern, v)) bad(`should match '${s.pattern}'`);
    const format = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
    if (format && !format(v)) w.errs.push(fieldErr.typeInvalid(path, v, `${name} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
  if (typeof v === 'number') {
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) bad(`should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`);
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) bad(`should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf)) bad(`should be a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) w.errs.push(fieldErr.tooMany(path, v.length, s.maxItems));
    if (typeof s.minItems === 'number' && v.length < s.minItems) bad(`should have at least ${s.minItems} items`, v.length);
    if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) bad("shouldn't contain duplicates", '');
  }
  if (isObj(v)) {
    const n = Object.keys(v).length;
    if (typeof s.maxProperties === 'number' && n > s.maxProperties) w.errs.push(fieldErr.tooMany(path, n, s.maxProperties));
    if (typeof s.minProperties === 'number' && n < s.minProperties) bad(`should have at least ${s.minProperties} properties`, '');
  }
  combinators(v, s, path, w);
}

/**
 * allOf/anyOf/oneOf/not hold value validations only (structural schemas forbid types and
 * defaults there), possibly on nested properties and items.
 */
function combinators(v: unknown, s: Schema, path: string, w: Walk): void {
  const name = path || '.';
  const passes = (sub: Schema): boolean => conforms(v, sub, path).length === 0;
  for (const sub of Array.isArray(s.allOf) ? s.allOf : []) w.errs.push(...conforms(v, sub, path));
  if (Array.isArray(s.anyOf) && !s.anyOf.some(passes)) w.errs.push(fieldErr.invalid(path, '', `${name} in body must validate at least one schema (anyOf)`));
  if (Array.isArray(s.oneOf) && s.oneOf.filter(passes).length !== 1) w.errs.push(fieldErr.invalid(path, '', `${name} in body must validate one and only one schema (oneOf)`));
  if (isObj(s.not) && passes(s.not)) w.errs.push(fieldErr.invalid(path, '', `${name} in body must not validate the schema (not)`));
}

function conforms(v: unknown, sub: Schema, path: string): FieldError[] {
  const w: Walk = { errs: [], cel: [] };
  if (v === undefined || v === null) return w.errs;
  values(v, sub, path, w);
  if (isObj(v)) {
    for (const key of Array.isArray(sub.required) ? sub.required : []) if (v[key] === undefined) w.errs.push(fieldErr.required(child(path, key)));
    const props: Schema = isObj(sub.properties) ? sub.properties : {};
    for (const [key, ps] of Object.entries(props)) if (isObj(ps) && v[key] !== undefined) w.errs.push(...conforms(v[key], ps, child(path, key)));
  }
  if (Array.isArray(v) && isObj(sub.items)) v.forEach((x, i) => w.errs.push(...conforms(x, sub.items, `${path}[${i}]`)));
  return w.errs;
}

const patterns = new Map<string, RegExp | null>();

/** ECMA-262 patterns as OpenAPI specifies; one JavaScript cannot compile is not enforced. */
function patternMatches(pattern: string, v: string): boolean {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    patterns.set(pattern, re);
  }
  return re === null || re.test(v);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The formats the apiextensions apiserver checks (others, like int32, are not validated). */
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  ipv4: (s) => IPV4.test(s),
  ipv6: (s) => s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s),
  cidr: (s) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(s),
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
};

function celErrors(t: CelTask): FieldError[] {
  const out: FieldError[] = [];
  for (const rule of t.schema['x-kubernetes-validations'] as Record<string, any>[]) {
    const verdict = evaluateRule({ rule: String(rule.rule), messageExpression: rule.messageExpression, optionalOldSelf: rule.optionalOldSelf === true }, t.value, t.old, t.schema);
    if (verdict.ok) continue;
    const path = rule.fieldPath ? joinFieldPath(t.path, String(rule.fieldPath)) : t.path;
    const message = (!verdict.ok && verdict.message) || rule.message || `failed rule: ${String(rule.rule).trim()}`;
    const shape = String(t.schema.type ?? (t.schema['x-kubernetes-int-or-string'] ? 'string' : 'object'));
    switch (rule.reason) {
      case 'FieldValueForbidden':
        out.push(fieldErr.forbidden(path, message));
        break;
      case 'FieldValueRequired':
        out.push(fieldErr.required(path, message));
        break;
      case 'FieldValueDuplicate':
        out.push(fieldErr.duplicate(path, shape));
        break;
      default:
        out.push(fieldErr.invalid(path, shape, message));
    }
  }
  return out;
}

function joinFieldPath(base: string, rel: string): string {
  const tail = rel.replace(/^\./, '');
  if (!base) return tail;
  return tail.startsWith('[') ? `${base}${tail}` : `${base}.${tail}`;
}

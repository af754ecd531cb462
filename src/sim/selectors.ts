/**
 * Label selectors (string form from ?labelSelector= and the LabelSelector object form used in
 * specs) and field selectors, with the apiserver's matching rules: `!=` and `notin` also match
 * objects that lack the label.
 */
import type { K8sObject } from '../core/object.js';
import { badRequest } from './errors.js';
import type { ResourceType } from './resources.js';
import { getPath, isObj } from './util.js';

export type Operator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export type LabelSelector = Requirement[];

export function parseLabelSelector(input: string): LabelSelector {
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(input)) {
    const s = part.trim();
    if (!s) continue;
    reqs.push(parseRequirement(s));
  }
  return reqs;
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) {
    throw badRequest(
      `unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
  return key;
}

function checkValue(v: string): string {
  if (v.length > 63 || !VALUE.test(v)) {
    throw badRequest(
      `unable to parse requirement: values[0][${v}]: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  }
  return v;
}

function parseRequirement(s: string): Requirement {
  let m = /^!\s*([^\s=!<>(),]+)$/.exec(s);
  if (m) return { key: checkKey(m[1]), op: '!', values: [] };
  m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(s);
  if (m) {
    const values = m[3].split(',').map((v) => checkValue(v.trim()));
    return { key: checkKey(m[1]), op: m[2] as 'in' | 'notin', values };
  }
  m = /^([^\s=!<>(),]+)\s*(==|=|!=|>|<)\s*([^\s=!<>(),]*)$/.exec(s);
  if (m) {
    const op: Operator = m[2] === '!=' ? '!=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : '=';
    if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(m[3])) {
      throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    return { key: checkKey(m[1]), op, values: [checkValue(m[3])] };
  }
  m = /^([^\s=!<>(),]+)$/.exec(s);
  if (m) return { key: checkKey(m[1]), op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: found '${s}', expected: identifier or operator`);
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return sel.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v);
      case 'notin':
        return !has || !r.values.includes(v);
      case 'gt':
        return has && /^-?\d+$/.test(v) && Number(v) > Number(r.values[0]);
      case 'lt':
        return has && /^-?\d+$/.test(v) && Number(v) < Number(r.values[0]);
    }
  });
}

/** metav1.LabelSelector ({matchLabels, matchExpressions}); an empty selector matches everything. */
export function selectorFromObject(sel: unknown): LabelSelector {
  if (!isObj(sel)) return [];
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries((sel.matchLabels as Record<string, string>) ?? {})) reqs.push({ key: k, op: '=', values: [String(v)] });
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    if (!isObj(e)) continue;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const op = String(e.operator);
    const mapped: Operator = op === 'In' ? 'in' : op === 'NotIn' ? 'notin' : op === 'Exists' ? 'exists' : op === 'DoesNotExist' ? '!' : 'in';
    reqs.push({ key: String(e.key), op: mapped, values });
  }
  return reqs;
}

/** A map selector (Service spec.selector): every pair must match. */
export function selectorFromMap(map: unknown): LabelSelector {
  if (!isObj(map)) return [];
  return Object.entries(map).map(([k, v]) => ({ key: k, op: '=' as const, values: [String(v)] }));
}

/** The string form the apiserver puts in status.selector / kubectl prints. */
export function selectorToString(sel: LabelSelector): string {
  return sel
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case '=':
          return `${r.key}=${r.values[0]}`;
        case '!=':
          return `${r.key}!=${r.values[0]}`;
        case 'in':
          return `${r.key} in (${[...r.values].sort().join(',')})`;
        case 'notin':
          return `${r.key} notin (${[...r.values].sort().join(',')})`;
        case 'gt':
          return `${r.key}>${r.values[0]}`;
        case 'lt':
          return `${r.key}<${r.values[0]}`;
      }
    })
    .join(',');
}

// ---- field selectors ----

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

const POD_FIELDS = ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'];
const EXTRA_FIELDS: Record<string, string[]> = {
  '/pods': POD_FIELDS,
  '/events': ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  '/persistentvolumeclaims': [],
  'batch/jobs': ['status.successful'],
  'apps/replicasets': ['status.replicas'],
};

export function parseFieldSelector(input: string, rt: ResourceType): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const raw of splitUnescaped(input, ',')) {
    const s = raw.trim();
    if (!s) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(s);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${s}'`);
    const field = m[1].trim();
    const allowed = ['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[rt.storageKey] ?? []), ...(rt.crd?.selectableFields.map((f) => f.replace(/^\./, '')) ?? [])];
    if (!allowed.includes(field)) {
      if (rt.crd) {
        throw badRequest(`"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      }
      throw badRequest(`field label not supported: ${field}`);
    }
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: m[3].replace(/\\(.)/g, '$1') });
  }
  return out;
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

export function matchesFields(reqs: FieldRequirement[], o: K8sObject): boolean {
  return reqs.every((r) => {
    const raw = getPath(o, r.field.split('.'));
    const v = raw === undefined || raw === null ? '' : String(raw);
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}

import { isPlainObject, type K8sObject } from '../core/object.js';
import type { RelatedQuery } from './types.js';

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists';
  values: string[];
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

/** Splits on commas that are not inside "in (a,b)". */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms.map((t) => t.trim()).filter(Boolean);
}

/** kubectl's label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function parseLabelSelector(selector: string): Requirement[] {
  return splitTerms(selector).map((term) => {
    let m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m && KEY.test(m[1])) {
      return { key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] };
    }
    m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m && KEY.test(m[1])) {
      const values = m[3].split(',').map((v) => v.trim()).filter(Boolean);
      return { key: m[1], op: m[2] as 'in' | 'notin', values };
    }
    m = /^(!?)\s*(\S+)$/.exec(term);
    if (m && KEY.test(m[2])) return { key: m[2], op: m[1] ? '!exists' : 'exists', values: [] };
    throw new Error(`invalid label selector term "${term}" in "${selector}"`);
  });
}

export function matchesLabels(
  labels: Record<string, string> | undefined,
  selector: Record<string, string> | string,
): boolean {
  const have = labels ?? {};
  if (typeof selector !== 'string') return Object.entries(selector).every(([k, v]) => have[k] === v);
  return parseLabelSelector(selector).every((r) => {
    const present = Object.prototype.hasOwnProperty.call(have, r.key);
    switch (r.op) {
      case 'in':
        return present && r.values.includes(have[r.key]);
      case 'notin':
        return !present || !r.values.includes(have[r.key]);
      case 'exists':
        return present;
      case '!exists':
        return !present;
    }
  });
}

/**
 * A workload's `spec.selector` (matchLabels + matchExpressions) as a query selector. Undefined when
 * the selector is missing or empty: an empty selector would list every Pod in the namespace.
 */
export function selectorOf(selector: unknown): Record<string, string> | string | undefined {
  if (!isPlainObject(selector)) return undefined;
  const matchLabels = isPlainObject(selector.matchLabels) ? selector.matchLabels : {};
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isPlainObject) : [];
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(matchLabels)) if (typeof v === 'string') labels[k] = v;
  if (exprs.length === 0) return Object.keys(labels).length ? labels : undefined;
  const terms = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  for (const e of exprs) {
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
        terms.push(`${key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        terms.push(`${key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        terms.push(key);
        break;
      case 'DoesNotExist':
        terms.push(`!${key}`);
        break;
    }
  }
  return terms.join(',');
}

/** A Service's `spec.selector` is a plain map. */
export function mapSelectorOf(selector: unknown): Record<string, string> | undefined {
  if (!isPlainObject(selector)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(selector)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** For in-memory stores and fakes: does `obj` belong in the answer to `q`? */
export function matchesRelatedQuery(obj: K8sObject, q: RelatedQuery): boolean {
  if (obj.apiVersion !== q.apiVersion || obj.kind !== q.kind) return false;
  if (q.namespace !== undefined && (obj.metadata.namespace ?? '') !== q.namespace) return false;
  if (q.name !== undefined && obj.metadata.name !== q.name) return false;
  return q.labelSelector === undefined || matchesLabels(obj.metadata.labels, q.labelSelector);
}

export function podsQuery(obj: K8sObject, labelSelector: Record<string, string> | string): RelatedQuery {
  return { apiVersion: 'v1', kind: 'Pod', namespace: obj.metadata.namespace, labelSelector };
}

/** Related answers may be shorter than the queries when a caller skipped one; read them safely. */
export function answer(related: K8sObject[][], i: number): K8sObject[] {
  return related[i] ?? [];
}

export function isTerminating(obj: K8sObject): boolean {
  return typeof obj.metadata.deletionTimestamp === 'string' && obj.metadata.deletionTimestamp !== '';
}

export function byName(a: K8sObject, b: K8sObject): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

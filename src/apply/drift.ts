import { isPlainObject, type K8sObject } from '../core/object.js';
import { FIELD_MANAGER } from './engine.js';
import type { Conflict } from './ownership.js';

/**
 * Drift: fields the release applies that another field manager has written since (kubectl scale,
 * kubectl edit, a controller). Server-side apply records who owns each field in managedFields, so
 * this needs no copy of the old object: a field of ours now owned by someone else has drifted.
 */

/** Paths as managedFields' fieldsV1 spells them: `.spec.replicas`, `.spec.template.spec.containers[name="app"].image`. */
function fieldsV1Paths(node: unknown, prefix = ''): string[] {
  if (!isPlainObject(node)) return [];
  const out: string[] = [];
  const children = Object.entries(node).filter(([k]) => k !== '.');
  if (!children.length) return [prefix];
  for (const [k, v] of children) {
    if (k.startsWith('f:')) out.push(...fieldsV1Paths(v, `${prefix}.${k.slice(2)}`));
    else if (k.startsWith('k:')) out.push(...fieldsV1Paths(v, `${prefix}[${keySelector(k.slice(2))}]`));
    else if (k.startsWith('v:')) out.push(`${prefix}[${k.slice(2)}]`);
    else if (k.startsWith('i:')) out.push(`${prefix}[${k.slice(2)}]`);
  }
  // "." marks the node itself as owned, e.g. a whole list item.
  if ('.' in node) out.push(prefix);
  return out;
}

function keySelector(json: string): string {
  try {
    const key = JSON.parse(json) as Record<string, unknown>;
    return Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  } catch {
    return json;
  }
}

/** The same paths for an object we apply: maps recurse, lists of named items by name, other lists whole. */
function objectPaths(value: unknown, prefix = ''): string[] {
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (!entries.length) return [prefix];
    return entries.flatMap(([k, v]) => objectPaths(v, `${prefix}.${k}`));
  }
  if (Array.isArray(value) && value.length && value.every((i) => isPlainObject(i) && typeof i.name === 'string')) {
    return value.flatMap((i) => objectPaths(Object.fromEntries(Object.entries(i as Record<string, unknown>).filter(([k]) => k !== 'name')), `${prefix}[name=${JSON.stringify((i as { name: string }).name)}]`));
  }
  return [prefix];
}

/** The value at a path of objectPaths' form, or undefined. */
function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const m of path.matchAll(/\.([^.[]+)|\[name=("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) cur = isPlainObject(cur) ? cur[m[1]] : undefined;
    else cur = Array.isArray(cur) ? cur.find((i) => isPlainObject(i) && i.name === JSON.parse(m[2])) : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

const IGNORED = /^\.(status|metadata\.(managedFields|resourceVersion|generation|uid|creationTimestamp|annotations\.argocd\.argoproj\.io\/sync-wave))/;

/** Fields of `applied` (what the release applies) now owned by a manager other than inferctl in `live`. */
export function driftOf(live: K8sObject, applied: K8sObject): Conflict[] {
  const ours = new Set(objectPaths({ ...applied, apiVersion: undefined, kind: undefined, status: undefined }).filter((p) => !IGNORED.test(p)));
  const out: Conflict[] = [];
  const seen = new Set<string>();
  for (const entry of (live.metadata.managedFields as { manager?: string; fieldsV1?: unknown; subresource?: string }[] | undefined) ?? []) {
    if (!entry.manager || entry.manager === FIELD_MANAGER || entry.subresource === 'status') continue;
    for (const path of fieldsV1Paths(entry.fieldsV1)) {
      if (!ours.has(path) || seen.has(`${path}/${entry.manager}`)) continue;
      // Someone who wrote the value the release applies shares the field; nothing to revert.
      if (JSON.stringify(valueAt(live, path)) === JSON.stringify(valueAt(applied, path))) continue;
      seen.add(`${path}/${entry.manager}`);
      out.push({ field: path, manager: entry.manager });
    }
  }
  return out;
}

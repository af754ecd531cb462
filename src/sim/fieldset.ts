/**
 * Field sets as structured-merge-diff models them, stored as a tree keyed by the FieldsV1 path
 * element encodings (`f:name`, `k:{"name":"x"}`, `v:"value"`, `i:0`), so serialising to and from
 * metadata.managedFields is direct.
 */
import { badRequest } from './errors.js';
import type { ListInfo, Nav } from './schema-nav.js';
import { deepEqual, isObj, clone } from './util.js';

export class FieldSet {
  /** The path itself is a member (FieldsV1 `.` when there are children, `{}` for leaves). */
  self = false;
  readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (!isObj(v)) return s;
    const keys = Object.keys(v);
    if (keys.length === 0) {
      s.self = true;
      return s;
    }
    for (const k of keys) {
      if (k === '.') s.self = true;
      else s.children.set(k, FieldSet.fromFieldsV1(v[k]));
    }
    return s;
  }

  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.self && this.children.size > 0) out['.'] = {};
    for (const k of [...this.children.keys()].sort(comparePE)) out[k] = this.children.get(k)!.toFieldsV1();
    return out;
  }

  isEmpty(): boolean {
    return !this.self && this.children.size === 0;
  }

  insert(path: readonly string[]): void {
    let cur: FieldSet = this;
    for (const pe of path) {
      let next = cur.children.get(pe);
      if (!next) {
        next = new FieldSet();
        cur.children.set(pe, next);
      }
      cur = next;
    }
    cur.self = true;
  }

  has(path: readonly string[]): boolean {
    const n = this.node(path);
    return !!n && n.self;
  }

  node(path: readonly string[]): FieldSet | undefined {
    let cur: FieldSet | undefined = this;
    for (const pe of path) {
      cur = cur.children.get(pe);
      if (!cur) return undefined;
    }
    return cur;
  }

  /** True when some member lies strictly below `path`. */
  hasDescendant(path: readonly string[]): boolean {
    const n = this.node(path);
    if (!n) return false;
    for (const c of n.children.values()) if (!c.isEmpty()) return true;
    return false;
  }

  /** Every member path, parents before children. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    if (this.self) out.push(prefix);
    for (const [k, c] of this.children) out.push(...c.paths([...prefix, k]));
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    out.self = this.self;
    for (const [k, c] of this.children) out.children.set(k, c.clone());
    return out;
  }

  static fromPaths(paths: readonly (readonly string[])[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  // Set operations work on the trees directly: CRD managedFields hold tens of thousands of paths.

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    const merge = (into: FieldSet, from: FieldSet): void => {
      into.self ||= from.self;
      for (const [k, c] of from.children) {
        const mine = into.children.get(k);
        if (mine) merge(mine, c);
        else into.children.set(k, c.clone());
      }
    };
    merge(out, other);
    return out;
  }

  difference(other: FieldSet): FieldSet {
    const diff = (a: FieldSet, b: FieldSet | undefined): FieldSet => {
      if (!b) return a.clone();
      const out = new FieldSet();
      out.self = a.self && !b.self;
      for (const [k, c] of a.children) {
        const d = diff(c, b.children.get(k));
        if (!d.isEmpty()) out.children.set(k, d);
      }
      return out;
    };
    return diff(this, other);
  }

  intersection(other: FieldSet): FieldSet {
    const inter = (a: FieldSet, b: FieldSet): FieldSet => {
      const out = new FieldSet();
      out.self = a.self && b.self;
      for (const [k, c] of a.children) {
        const oc = b.children.get(k);
        if (!oc) continue;
        const i = inter(c, oc);
        if (!i.isEmpty()) out.children.set(k, i);
      }
      return out;
    };
    return inter(this, other);
  }

}

const PE_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };
function comparePE(a: string, b: string): number {
  const ra = PE_RANK[a[0]] ?? 9;
  const rb = PE_RANK[b[0]] ?? 9;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- path elements ----

export function fieldPE(name: string): string {
  return `f:${name}`;
}

/** The key a list item is addressed by, or an error message when it cannot be built. */
export function itemPE(info: ListInfo, item: unknown, index: number): string {
  if (info.type === 'set') return `v:${JSON.stringify(item)}`;
  if (info.type === 'map' && info.keys.length > 0) {
    if (!isObj(item)) throw new KeyError(`element ${index}: associative list with keys has an element that is not a map`);
    const key: Record<string, unknown> = {};
    for (const k of [...info.keys].sort()) {
      let v = item[k];
      if (v === undefined && k in info.keyDefaults) v = info.keyDefaults[k];
      if (v === undefined) throw new KeyError(`element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
      key[k] = v;
    }
    return `k:${JSON.stringify(key)}`;
  }
  return `i:${index}`;
}

export class KeyError extends Error {}

/** SMD's human path: .spec.containers[name="x"].image, .metadata.finalizers[="f"]. */
export function pathString(path: readonly string[]): string {
  let out = '';
  for (const pe of path) {
    const body = pe.slice(2);
    switch (pe[0]) {
      case 'f':
        out += `.${body}`;
        break;
      case 'k': {
        const key = JSON.parse(body) as Record<string, unknown>;
        out += `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
        break;
      }
      case 'v':
        out += `[=${body}]`;
        break;
      case 'i':
        out += `[${body}]`;
        break;
    }
  }
  return out;
}

// ---- walking values ----

/** Index a list's items by path element; duplicates are an error for apply, ignored otherwise. */
function indexList(info: ListInfo, list: unknown[], strict: boolean, where: string): Map<string, unknown> {
  const m = new Map<string, unknown>();
  list.forEach((item, i) => {
    let pe: string;
    try {
      pe = itemPE(info, item, i);
    } catch (e) {
      if (strict) throw new KeyError(`${where}: ${(e as Error).message}`);
      pe = `i:${i}`;
    }
    if (m.has(pe)) {
      if (strict) throw new KeyError(`${where}: element ${i}: duplicate entries for key ${pathString([pe])}`);
      return;
    }
    m.set(pe, item);
  });
  return m;
}

function granularList(nav: Nav, a: unknown[], b: unknown[]): ListInfo | undefined {
  const info = nav.listInfo();
  if (info.type === 'atomic') return undefined;
  if (a.length === 0 && b.length === 0) return undefined;
  return info;
}

function granularMap(nav: Nav, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (nav.atomicMap()) return false;
  return Object.keys(a).length > 0 || Object.keys(b).length > 0;
}

/**
 * The set of fields an applied configuration specifies: leaves, list items, free-form map entries.
 * Throws KeyError (mapped to the apiserver's "failed to create typed patch object") for bad keys.
 */
export function toFieldSet(value: Record<string, unknown>, nav: Nav): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, n: Nav, path: string[], where: string): void => {
    if (Array.isArray(v)) {
      const info = granularList(n, v, []);
      if (!info) {
        set.insert(path);
        return;
      }
      for (const [pe, item] of indexList(info, v, true, where)) {
        set.insert([...path, pe]);
        if (info.type === 'map') walk(item, n.item(), [...path, pe], `${where}${pathString([pe])}`);
      }
      return;
    }
    if (isObj(v)) {
      if (!granularMap(n, v, {})) {
        set.insert(path);
        return;
      }
      const struct = n.isStruct();
      for (const [k, child] of Object.entries(v)) {
        if (child === undefined) continue;
        const p = [...path, fieldPE(k)];
        if (!struct) set.insert(p);
        walk(child, n.field(k), p, `${where}.${k}`);
      }
      return;
    }
    set.insert(path);
  };
  for (const [k, child] of Object.entries(value)) {
    if (child === undefined) continue;
    walk(child, nav.field(k), [fieldPE(k)], `.${k}`);
  }
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Field-level difference between two objects (structured-merge-diff's Compare). */
export function compare(lhs: Record<string, unknown>, rhs: Record<string, unknown>, nav: Nav): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: unknown, r: unknown, path: string[]): void => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
  };
  const walk = (l: unknown, r: unknown, n: Nav, path: string[]): void => {
    if (l === undefined && r === undefined) return;
    const la = Array.isArray(l);
    const ra = Array.isArray(r);
    if ((la || l === undefined) && (ra || r === undefined) && (la || ra)) {
      const ll = (l as unknown[]) ?? [];
      const rl = (r as unknown[]) ?? [];
      const info = granularList(n, ll, rl);
      if (!info) return leaf(l, r, path);
      const li = indexList(info, ll, false, '');
      const ri = indexList(info, rl, false, '');
      for (const pe of new Set([...li.keys(), ...ri.keys()])) {
        const lv = li.get(pe);
        const rv = ri.get(pe);
        if (info.type === 'map' && (isObj(lv) || isObj(rv))) {
          walk(lv, rv, n.item(), [...path, pe]);
          post(lv, rv, [...path, pe]);
        } else leaf(lv, rv, [...path, pe]);
      }
      return;
    }
    const lo = isObj(l);
    const ro = isObj(r);
    if ((lo || l === undefined) && (ro || r === undefined) && (lo || ro)) {
      const lm = (l as Record<string, unknown>) ?? {};
      const rm = (r as Record<string, unknown>) ?? {};
      if (!granularMap(n, lm, rm)) return leaf(l, r, path);
      for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
        const p = [...path, fieldPE(k)];
        walk(lm[k], rm[k], n.field(k), p);
        post(lm[k], rm[k], p);
      }
      return;
    }
    leaf(l, r, path);
  };
  // Containers that appear or disappear are members themselves (the `.` in FieldsV1).
  const post = (l: unknown, r: unknown, path: string[]): void => {
    const container = (v: unknown) => isObj(v) || Array.isArray(v);
    if (l === undefined && container(r) && !isEmptyContainer(r)) c.added.insert(path);
    else if (r === undefined && container(l) && !isEmptyContainer(l)) c.removed.insert(path);
  };
  for (const k of new Set([...Object.keys(lhs), ...Object.keys(rhs)])) {
    walk(lhs[k], rhs[k], nav.field(k), [fieldPE(k)]);
    post(lhs[k], rhs[k], [fieldPE(k)]);
  }
  return c;
}

function isEmptyContainer(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
}

/** Apply's merge: config values win, granular maps and keyed lists merge, atomic parts are replaced. */
export function mergeApplied(live: Record<string, unknown>, config: Record<string, unknown>, nav: Nav): Record<string, unknown> {
  const out = mergeValue(live, config, nav);
  return isObj(out) ? out : {};
}

function mergeValue(l: unknown, c: unknown, n: Nav): unknown {
  if (c === undefined) return clone(l);
  if (isObj(c) && isObj(l) && !n.atomicMap()) {
    const out: Record<string, unknown> = clone(l);
    for (const [k, cv] of Object.entries(c)) {
      if (cv === null) {
        delete out[k];
        continue;
      }
      const merged = mergeValue(l[k], cv, n.field(k));
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(c) && Array.isArray(l)) {
    const info = n.listInfo();
    if (info.type === 'atomic') return clone(c);
    return mergeList(info, l, c, n);
  }
  if (isObj(c)) return stripNulls(c);
  return clone(c);
}

function stripNulls(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    out[k] = isObj(x) ? stripNulls(x) : clone(x);
  }
  return out;
}

/** Ordering follows structured-merge-diff: config order for shared items, live-only items kept in place. */
function mergeList(info: ListInfo, l: unknown[], c: unknown[], n: Nav): unknown[] {
  const li = indexList(info, l, false, '');
  const ci = indexList(info, c, false, '');
  const lOrder = [...li.keys()];
  const cOrder = [...ci.keys()];
  const shared = cOrder.filter((pe) => li.has(pe));
  let nextShared = shared.shift();
  const out: unknown[] = [];
  const mergeItem = (pe: string): unknown => {
    const lv = li.get(pe);
    const cv = ci.get(pe);
    if (cv === undefined) return clone(lv);
    return info.type === 'map' ? mergeValue(lv, cv, n.item()) : clone(cv);
  };
  let lI = 0;
  let cI = 0;
  while (lI < lOrder.length || cI < cOrder.length) {
    if (lI < lOrder.length && cI < cOrder.length) {
      const pe = lOrder[lI];
      if (pe === cOrder[cI]) {
        out.push(mergeItem(pe));
        lI++;
        cI++;
        nextShared = shared.shift();
        continue;
      }
      if (ci.has(pe) && nextShared !== undefined && nextShared !== pe) {
        lI++;
        continue;
      }
    }
    if (lI < lOrder.length) {
      const pe = lOrder[lI];
      if (!ci.has(pe)) {
        out.push(clone(li.get(pe)));
        lI++;
        continue;
      }
    }
    if (cI < cOrder.length) {
      const pe = cOrder[cI];
      out.push(mergeItem(pe));
      cI++;
      if (nextShared !== undefined && nextShared === pe) nextShared = shared.shift();
      continue;
    }
    lI++;
  }
  return out;
}

/**
 * Removes the given paths from an object unless some member of `keep` lies below them (then only
 * the unkept parts go, as their own paths are in `paths` too). Containers emptied by it go as well.
 */
export function removePaths(root: Record<string, unknown>, paths: FieldSet, keep: FieldSet, nav: Nav): void {
  // Shallowest first: once a node goes, its descendants go with it (their keys may be what
  // identifies the node, so removing them first would orphan it).
  const all = paths.paths().sort((a, b) => a.length - b.length);
  const gone: string[][] = [];
  for (const p of all) {
    if (p.length === 0) continue;
    if (gone.some((g) => g.length <= p.length && g.every((e, i) => e === p[i]))) continue;
    if (keep.has(p) || keep.hasDescendant(p)) continue;
    removeOne(root, p, nav);
    gone.push(p);
  }
}

function removeOne(root: Record<string, unknown>, path: readonly string[], nav: Nav): void {
  const parents: { container: unknown; pe: string; nav: Nav }[] = [];
  let cur: unknown = root;
  let n = nav;
  for (let i = 0; i < path.length; i++) {
    const pe = path[i];
    parents.push({ container: cur, pe, nav: n });
    if (i === path.length - 1) break;
    const next = step(cur, pe, n);
    if (next === undefined) return;
    n = pe.startsWith('f:') ? n.field(pe.slice(2)) : n.item();
    cur = next;
  }
  const last = parents[parents.length - 1];
  deleteChild(last.container, last.pe, last.nav);
  // Clean up containers emptied by the removal, innermost first, but never the root.
  for (let i = parents.length - 2; i >= 0; i--) {
    const { container, pe, nav: pn } = parents[i];
    const child = step(container, pe, pn);
    if (isEmptyContainer(child)) deleteChild(container, pe, pn);
    else break;
  }
}

export function step(container: unknown, pe: string, nav: Nav): unknown {
  if (pe.startsWith('f:')) return isObj(container) ? container[pe.slice(2)] : undefined;
  if (!Array.isArray(container)) return undefined;
  return findItem(container, pe, nav.listInfo());
}

function findItem(list: unknown[], pe: string, info: ListInfo): unknown {
  for (let i = 0; i < list.length; i++) {
    try {
      if (itemPE(info, list[i], i) === pe) return list[i];
    } catch {
      // an unkeyable item never matches
    }
  }
  return undefined;
}

function deleteChild(container: unknown, pe: string, nav: Nav): void {
  if (pe.startsWith('f:')) {
    if (isObj(container)) delete container[pe.slice(2)];
    return;
  }
  if (!Array.isArray(container)) return;
  const info = nav.listInfo();
  for (let i = 0; i < container.length; i++) {
    let itemKey: string;
    try {
      itemKey = itemPE(info, container[i], i);
    } catch {
      continue;
    }
    if (itemKey === pe) {
      container.splice(i, 1);
      return;
    }
  }
}

/** Turns a KeyError into the apiserver's typed-patch failure (a reasonless 500 as of 1.35). */
export function keyErrorMessage(e: unknown): string {
  if (e instanceof KeyError) return e.message;
  throw e instanceof Error ? e : badRequest(String(e));
}

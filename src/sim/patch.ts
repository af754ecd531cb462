/**
 * The three non-apply patch formats: RFC 6902 JSON patch, RFC 7386 merge patch and Kubernetes'
 * strategic merge patch (built-in types only, list merge keys from schema-nav).
 */
import { ApiError, badRequest } from './errors.js';
import type { Nav } from './schema-nav.js';
import { clone, deepEqual, isObj } from './util.js';

// ---- JSON merge patch ----

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Record<string, unknown> = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// ---- JSON patch ----

function patchFailed(message: string): ApiError {
  // What the apiserver answers when a JSON patch cannot be applied (NewGenericServerResponse 422).
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw patchFailed(`invalid JSON pointer: ${JSON.stringify(p)}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Loc {
  parent: Record<string, unknown> | unknown[];
  key: string;
}

function locate(doc: unknown, tokens: string[], op: string, path: string): Loc {
  if (tokens.length === 0) throw patchFailed(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}`);
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined || cur === null) throw patchFailed(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  }
  if (!Array.isArray(cur) && !isObj(cur)) throw patchFailed(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function getAt(loc: Loc): unknown {
  return Array.isArray(loc.parent) ? loc.parent[Number(loc.key)] : loc.parent[loc.key];
}

function arrayIndex(loc: Loc, allowEnd: boolean, op: string, path: string): number {
  const arr = loc.parent as unknown[];
  if (loc.key === '-' && allowEnd) return arr.length;
  if (!/^\d+$/.test(loc.key)) throw patchFailed(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}`);
  const i = Number(loc.key);
  if (i > arr.length || (!allowEnd && i === arr.length)) throw patchFailed(`Unable to access invalid index: ${i}: invalid index referenced`);
  return i;
}

function add(doc: unknown, path: string, value: unknown): void {
  const loc = locate(doc, parsePointer(path), 'add', path);
  if (Array.isArray(loc.parent)) loc.parent.splice(arrayIndex(loc, true, 'add', path), 0, clone(value));
  else loc.parent[loc.key] = clone(value);
}

function remove(doc: unknown, path: string, op = 'remove'): unknown {
  const loc = locate(doc, parsePointer(path), op, path);
  if (Array.isArray(loc.parent)) {
    const i = arrayIndex(loc, false, op, path);
    return loc.parent.splice(i, 1)[0];
  }
  if (!(loc.key in loc.parent)) throw patchFailed(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  const v = loc.parent[loc.key];
  delete loc.parent[loc.key];
  return v;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObj(raw)) throw badRequest('json: cannot unmarshal into jsonpatch operation');
    const op = String(raw.op);
    const path = String(raw.path ?? '');
    switch (op) {
      case 'add':
        if (path === '') doc = clone(raw.value);
        else add(doc, path, raw.value);
        break;
      case 'remove':
        remove(doc, path);
        break;
      case 'replace': {
        if (path === '') {
          doc = clone(raw.value);
          break;
        }
        const loc = locate(doc, parsePointer(path), 'replace', path);
        if (getAt(loc) === undefined) throw patchFailed(`replace operation does not apply: doc is missing key: ${path}: missing value`);
        if (Array.isArray(loc.parent)) loc.parent[arrayIndex(loc, false, 'replace', path)] = clone(raw.value);
        else loc.parent[loc.key] = clone(raw.value);
        break;
      }
      case 'move': {
        const v = remove(doc, String(raw.from), 'move');
        add(doc, path, v);
        break;
      }
      case 'copy': {
        const from = locate(doc, parsePointer(String(raw.from)), 'copy', String(raw.from));
        add(doc, path, getAt(from));
        break;
      }
      case 'test': {
        const actual = path === '' ? doc : getAt(locate(doc, parsePointer(path), 'test', path));
        if (!deepEqual(actual, raw.value)) throw patchFailed(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

// ---- strategic merge patch ----

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

export function strategicMergePatch(original: unknown, patch: unknown, nav: Nav): unknown {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isObj(original) ? clone(original) : {};
  const retain = Array.isArray(patch.$retainKeys) ? patch.$retainKeys.map(String) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch' || k.startsWith(SET_ORDER)) continue;
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) {
        out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => deepEqual(d, x)));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const child = nav.field(k);
    if (Array.isArray(v)) {
      out[k] = mergeListSMP(out[k], v, child);
      continue;
    }
    if (isObj(v)) {
      const merged = strategicMergePatch(out[k], v, child);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
      continue;
    }
    out[k] = clone(v);
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function mergeListSMP(original: unknown, patch: unknown[], nav: Nav): unknown[] {
  const info = nav.listInfo();
  const orig = Array.isArray(original) ? original : [];
  // A `{"$patch": "replace"}` element replaces the whole list with the other elements.
  if (patch.some((p) => isObj(p) && p.$patch === 'replace')) {
    return clone(patch.filter((p) => !(isObj(p) && p.$patch === 'replace')));
  }
  if (info.patchMergePrimitives && patch.every((p) => !isObj(p))) {
    const out = clone(orig);
    for (const p of patch) if (!out.some((x) => deepEqual(x, p))) out.push(clone(p));
    return out;
  }
  const key = info.patchMergeKey;
  if (!key) return clone(patch);
  const out = clone(orig) as unknown[];
  for (const p of patch) {
    if (!isObj(p)) continue;
    const idx = out.findIndex((o) => isObj(o) && deepEqual(o[key], p[key]));
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx], p, nav.item());
    else out.push(strategicMergePatch({}, p, nav.item()));
  }
  return out;
}

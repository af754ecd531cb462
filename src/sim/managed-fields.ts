/**
 * metadata.managedFields bookkeeping: which manager owns which fields, ownership moving to whoever
 * changes a field (Update), server-side apply's merge, conflict detection, forced takeover and
 * removal of fields an applier stops sending when nobody else owns them.
 */
import type { K8sObject } from '../core/object.js';
import { ApiError, plainServerError } from './errors.js';
import { FieldSet, KeyError, compare, mergeApplied, pathString, removePaths, toFieldSet } from './fieldset.js';
import type { Nav } from './schema-nav.js';
import { clone, isObj } from './util.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

// Never tracked: identity and server-maintained metadata (structured-merge-diff's "stripped" set).
const STRIPPED_META = [
  'name',
  'namespace',
  'generateName',
  'creationTimestamp',
  'selfLink',
  'uid',
  'generation',
  'managedFields',
  'resourceVersion',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

export type Scope = 'main' | 'status';

export interface FieldContext {
  nav: Nav;
  /** The resource has a status subresource, so main-resource writes do not own status. */
  hasStatus: boolean;
  scope: Scope;
}

/** The part of an object managedFields talks about, for one endpoint (main or /status). */
export function trackedView(o: Record<string, unknown>, ctx: FieldContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if (ctx.scope === 'status' && k !== 'status') continue;
    if (ctx.scope === 'main' && ctx.hasStatus && k === 'status') continue;
    if (k === 'metadata' && isObj(v)) {
      const m = clone(v);
      for (const s of STRIPPED_META) delete m[s];
      if (Object.keys(m).length) out.metadata = m;
      continue;
    }
    out[k] = clone(v);
  }
  return out;
}

function decode(entries: unknown): Manager[] {
  if (!Array.isArray(entries)) return [];
  const out: Manager[] = [];
  for (const e of entries) {
    if (!isObj(e) || typeof e.manager !== 'string') continue;
    out.push({
      manager: e.manager,
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: String(e.apiVersion ?? ''),
      time: typeof e.time === 'string' ? e.time : undefined,
      subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    });
  }
  return out;
}

function encode(managers: Manager[]): ManagedFieldsEntry[] {
  const kept = managers.filter((m) => !m.set.isEmpty());
  // The apiserver's order: Apply before Update, then by time, manager, apiVersion, subresource.
  kept.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const pt = p.time ? Date.parse(p.time) : 0;
    const qt = q.time ? Date.parse(q.time) : 0;
    if (pt !== qt) return pt - qt;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0;
  });
  return kept.map((m) => {
    // Field order as the apiserver serialises it (kubectl -o yaml sorts keys anyway).
    const e: ManagedFieldsEntry = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: m.set.toFieldsV1(),
    };
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function sameIdentity(m: Manager, manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): boolean {
  if (m.manager !== manager || m.operation !== operation || (m.subresource ?? '') !== (subresource ?? '')) return false;
  // Appliers keep one entry across apiVersions; updaters get one per apiVersion.
  return operation === 'Apply' || m.apiVersion === apiVersion;
}

export interface UpdateOptions {
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: string;
  ctx: FieldContext;
  /** Go zero-value structs of built-ins: present (empty) before creation, so they get no `.` entry. */
  baseline?: Record<string, unknown>;
  /** The type is a built-in whose status struct always exists. */
  zeroStatus?: boolean;
}

/**
 * Ownership after a non-apply write: the writer takes every field it added or changed, others
 * lose changed and removed fields. `incoming` managedFields win when the client set them itself.
 */
export function managedFieldsForUpdate(oldObj: K8sObject | undefined, newObj: K8sObject, opts: UpdateOptions): ManagedFieldsEntry[] {
  const oldEntries = oldObj?.metadata.managedFields;
  const incoming = newObj.metadata.managedFields;
  const clientSet = incoming !== undefined && JSON.stringify(incoming) !== JSON.stringify(oldEntries);
  const managers = decode(clientSet ? incoming : oldEntries);
  // A client resetting managedFields to [{}] / [] wipes ownership, as with the real apiserver.
  if (clientSet && managers.length === 0) return [];
  const lhs = oldObj ? trackedView(oldObj, opts.ctx) : (opts.baseline ?? {});
  // Built-in statuses are Go structs that exist (empty) from creation on.
  if (opts.zeroStatus && opts.ctx.scope === 'status' && lhs.status === undefined) lhs.status = {};
  const rhs = trackedView(newObj, opts.ctx);
  const cmp = compare(lhs, rhs, opts.ctx.nav);
  const changed = cmp.modified.union(cmp.added);
  if (changed.isEmpty() && cmp.removed.isEmpty()) return encode(managers);
  for (const m of managers) {
    if (sameIdentity(m, opts.manager, 'Update', opts.apiVersion, opts.subresource)) continue;
    m.set = m.set.difference(cmp.modified).difference(cmp.removed);
  }
  let self = managers.find((m) => sameIdentity(m, opts.manager, 'Update', opts.apiVersion, opts.subresource));
  if (!self) {
    self = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, subresource: opts.subresource, set: new FieldSet() };
    managers.push(self);
  }
  self.set = self.set.union(changed).difference(cmp.removed);
  self.time = opts.now;
  return encode(managers);
}

export interface ApplyOptions {
  manager: string;
  apiVersion: string;
  subresource?: string;
  force: boolean;
  now: string;
  ctx: FieldContext;
  /** For messages: "ns/name; group/version, Kind=Kind". */
  describe: string;
}

export interface ApplyResult {
  object: K8sObject;
  managedFields: ManagedFieldsEntry[];
}

/**
 * Server-side apply of `config` onto `live` (undefined when creating). Returns the merged object
 * with its new managedFields, or throws the apiserver's 409 conflict.
 */
export function serverSideApply(live: K8sObject | undefined, config: K8sObject, opts: ApplyOptions): ApplyResult {
  const { nav } = opts.ctx;
  const cfgView = trackedView(config, opts.ctx);
  let applied: FieldSet;
  try {
    applied = toFieldSet(cfgView, nav);
  } catch (e) {
    if (e instanceof KeyError) throw plainServerError(`failed to create typed patch object (${opts.describe}): ${e.message}`);
    throw e;
  }
  const liveView = live ? trackedView(live, opts.ctx) : {};
  const merged = mergeApplied(liveView, cfgView, nav);
  const cmp = compare(liveView, merged, nav);
  const changed = cmp.modified.union(cmp.added);

  const managers = decode(live?.metadata.managedFields);
  const conflicts: { manager: Manager; paths: string[][] }[] = [];
  for (const m of managers) {
    if (sameIdentity(m, opts.manager, 'Apply', opts.apiVersion, opts.subresource)) continue;
    const overlap = m.set.intersection(changed);
    if (!overlap.isEmpty()) conflicts.push({ manager: m, paths: overlap.paths() });
  }
  if (conflicts.length && !opts.force) throw conflictError(conflicts);
  for (const c of conflicts) c.manager.set = c.manager.set.difference(FieldSet.fromPaths(c.paths));

  let self = managers.find((m) => sameIdentity(m, opts.manager, 'Apply', opts.apiVersion, opts.subresource));
  const previous = self?.set ?? new FieldSet();
  if (!self) {
    self = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource: opts.subresource, set: applied };
    managers.push(self);
  }
  const setChanged = JSON.stringify(self.set.toFieldsV1()) !== JSON.stringify(applied.toFieldsV1());
  self.set = applied;
  self.apiVersion = opts.apiVersion;

  // Fields this applier used to send and no manager owns any more are removed.
  let owned = new FieldSet();
  for (const m of managers) owned = owned.union(m.set);
  const dropped = previous.difference(owned);
  removePaths(merged, dropped, owned, nav);

  if (setChanged || !changed.isEmpty() || !dropped.isEmpty() || !self.time) self.time = opts.now;
  const object = reassemble(live, config, merged, opts.ctx);
  const managedFields = encode(managers);
  return { object, managedFields };
}

/** Puts the tracked view back together with the untracked parts (identity, status or spec). */
function reassemble(live: K8sObject | undefined, config: K8sObject, view: Record<string, unknown>, ctx: FieldContext): K8sObject {
  const base: Record<string, unknown> = live
    ? clone(live)
    : { apiVersion: config.apiVersion, kind: config.kind, metadata: { name: config.metadata.name, namespace: config.metadata.namespace } };
  for (const k of Object.keys(base)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (ctx.scope === 'status' && k !== 'status') continue;
    if (ctx.scope === 'main' && ctx.hasStatus && k === 'status') continue;
    if (k === 'metadata') continue;
    delete base[k];
  }
  for (const [k, v] of Object.entries(view)) {
    if (k === 'metadata') continue;
    base[k] = v;
  }
  if (ctx.scope === 'main') {
    const meta = isObj(base.metadata) ? base.metadata : {};
    const kept: Record<string, unknown> = {};
    for (const s of STRIPPED_META) if (meta[s] !== undefined) kept[s] = meta[s];
    base.metadata = { ...kept, ...(isObj(view.metadata) ? view.metadata : {}) };
  }
  return base as K8sObject;
}

function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

function conflictError(conflicts: { manager: Manager; paths: string[][] }[]): ApiError {
  const flat = conflicts.flatMap((c) => c.paths.map((p) => ({ who: printManager(c.manager), path: pathString(p) })));
  flat.sort((a, b) => (a.who === b.who ? (a.path < b.path ? -1 : 1) : a.who < b.who ? -1 : 1));
  let message: string;
  if (flat.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${flat[0].who}: ${flat[0].path}`;
  } else {
    const lines: string[] = [];
    const byWho = new Map<string, string[]>();
    for (const f of flat) byWho.set(f.who, [...(byWho.get(f.who) ?? []), f.path]);
    for (const who of [...byWho.keys()].sort()) {
      lines.push(`conflicts with ${who}:`);
      for (const p of byWho.get(who)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: flat.map((f) => ({ reason: 'FieldManagerConflict', message: `conflict with ${f.who}`, field: f.path })),
  });
}

/** Zero-value structs a built-in has before any field is set (they exist in Go, so are never "added"). */
export function builtinBaseline(o: K8sObject): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  const spec = o.spec as Record<string, unknown> | undefined;
  if (isObj(spec)) {
    const s: Record<string, unknown> = {};
    if (isObj(spec.template)) s.template = { metadata: {}, spec: {} };
    if (isObj(spec.strategy)) s.strategy = {};
    if (isObj(spec.updateStrategy)) s.updateStrategy = {};
    if (isObj(spec.jobTemplate)) s.jobTemplate = { spec: { template: { metadata: {}, spec: {} } } };
    b.spec = s;
  }
  if (isObj(o.status)) b.status = {};
  return b;
}

import { isDeepStrictEqual } from 'node:util';
import { groupOf, isPlainObject, type K8sObject } from '../core/object.js';
import { KubeApiError, refOf, type ApplyOptions, type KubeClient, type ListQuery, type ObjectRef, type PatchType } from './types.js';

/**
 * An in-memory KubeClient for unit tests of the engine and the verbs (Helm's pkg/kube/fake): objects
 * with resourceVersions and generations, server-side apply with per-field managers (create or merge,
 * fields a manager stopped applying removed, 409 on another manager's field unless forced, dry
 * runs), label selectors, deletion, and errors injected per verb and object. It is not an API
 * server: no defaulting, no validation, no watches; controllers are plain callbacks (`react`).
 */

export type Verb = 'apply' | 'get' | 'list' | 'delete' | 'create' | 'update' | 'patch';

export interface FakeCall {
  verb: Verb;
  ref: string;
  dryRun?: boolean;
  force?: boolean;
}

interface StoredObject {
  object: K8sObject;
  /** Leaf path -> the field managers that applied it. */
  owners: Map<string, Set<string>>;
}

interface Injection {
  verb: Verb;
  match: (ref: ObjectRef) => boolean;
  error: () => Error;
  times: number;
}

/** Called after each write with the stored object; may change status through `fake.update`. */
export type Reaction = (object: K8sObject, fake: FakeKube) => void;

const SEP = '\u0000';
/** Server-owned metadata: never applied, never owned. */
const SERVER_METADATA = new Set(['resourceVersion', 'generation', 'uid', 'creationTimestamp', 'managedFields', 'deletionTimestamp']);

function keyOf(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Leaf paths of an object: maps recurse, lists and scalars (and empty maps) are leaves. */
function flatten(value: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}${SEP}${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length) flatten(v, path, out);
    else out.set(path, v);
  }
  return out;
}

function unflatten(flat: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, v] of flat) {
    const keys = path.split(SEP);
    let cur = out;
    for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
    cur[keys[keys.length - 1]] = structuredClone(v);
  }
  return out;
}

/** The fields an apply owns: everything but identity, server metadata and status. */
function appliedFields(obj: K8sObject): Map<string, unknown> {
  const { status: _status, metadata, ...rest } = obj;
  const meta = Object.fromEntries(Object.entries(metadata).filter(([k]) => !SERVER_METADATA.has(k) && k !== 'name' && k !== 'namespace'));
  return flatten({ ...rest, metadata: meta });
}

const pathText = (path: string) => `.${path.split(SEP).join('.')}`;

export class FakeKube implements KubeClient {
  private readonly objects = new Map<string, StoredObject>();
  private readonly injections: Injection[] = [];
  private readonly reactions: { kind: string; react: Reaction }[] = [];
  private rv = 0;
  readonly calls: FakeCall[] = [];
  discoveryRefreshes = 0;

  describeTarget(): string {
    return 'the fake cluster';
  }

  refreshDiscovery(): void {
    this.discoveryRefreshes++;
  }

  /** The next `times` calls of `verb` on matching objects fail with `error` (a KubeApiError usually). */
  fail(verb: Verb, match: Partial<ObjectRef> | ((ref: ObjectRef) => boolean), error: () => Error, times = Infinity): { remove(): void } {
    const test = typeof match === 'function' ? match : (ref: ObjectRef) => Object.entries(match).every(([k, v]) => (ref as unknown as Record<string, unknown>)[k] === v);
    const injection: Injection = { verb, match: test, error, times };
    this.injections.push(injection);
    return { remove: () => void this.injections.splice(this.injections.indexOf(injection), 1) };
  }

  /** A controller: after every write of `kind`, `react` sees the stored object. */
  react(kind: string, react: Reaction): void {
    this.reactions.push({ kind, react });
  }

  /** What a controller or another client does: change the stored object outside apply (status, foreign fields). */
  mutate(ref: ObjectRef, change: (obj: K8sObject) => void): K8sObject {
    const stored = this.objects.get(keyOf(ref));
    if (!stored) throw new Error(`fake: update of missing ${keyOf(ref)}`);
    const next = structuredClone(stored.object);
    change(next);
    if (!isDeepStrictEqual(next, stored.object)) {
      next.metadata.resourceVersion = String(++this.rv);
      stored.object = next;
    }
    return structuredClone(stored.object);
  }

  /** Applies as another field manager would (kubectl, an operator): for conflicts. */
  applyAs(manager: string, obj: K8sObject): Promise<K8sObject> {
    return this.apply(obj, { fieldManager: manager, force: true });
  }

  /** Every stored object (copies), for assertions. */
  all(kind?: string): K8sObject[] {
    return [...this.objects.values()].map((s) => structuredClone(s.object)).filter((o) => !kind || o.kind === kind);
  }

  currentResourceVersion(): number {
    return this.rv;
  }

  private intercept(verb: Verb, ref: ObjectRef, extra: Partial<FakeCall> = {}): void {
    this.calls.push({ verb, ref: keyOf(ref), ...extra });
    const injection = this.injections.find((i) => i.verb === verb && i.times > 0 && i.match(ref));
    if (!injection) return;
    injection.times--;
    throw injection.error();
  }

  async apply(obj: K8sObject, opts: ApplyOptions): Promise<K8sObject> {
    const ref = refOf(obj);
    this.intercept('apply', ref, { dryRun: opts.dryRun || undefined, force: opts.force || undefined });
    const key = keyOf(ref);
    const stored = this.objects.get(key);
    const desired = appliedFields(obj);
    const manager = opts.fieldManager;
    const owners = new Map([...(stored?.owners ?? new Map<string, Set<string>>())].map(([p, s]) => [p, new Set(s)]));
    const live = stored ? appliedFields(stored.object) : new Map<string, unknown>();

    const conflicts = [...desired].filter(([path, value]) => {
      const others = [...(owners.get(path) ?? [])].filter((m) => m !== manager);
      return others.length > 0 && !isDeepStrictEqual(live.get(path), value);
    });
    if (conflicts.length && !opts.force) {
      const list = conflicts.map(([path]) => `conflict with "${[...owners.get(path)!].filter((m) => m !== manager).join('", "')}": ${pathText(path)}`).join('\n- ');
      throw new KubeApiError(`Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${list}`, 409, 'Conflict');
    }
    const next = new Map(live);
    // Fields this manager applied before and no longer applies are removed (unless someone else owns them too).
    for (const [path, set] of owners) {
      if (!set.has(manager) || desired.has(path)) continue;
      set.delete(manager);
      if (!set.size) {
        owners.delete(path);
        next.delete(path);
      }
    }
    for (const [path, value] of desired) {
      // A forced apply takes the field over; equal values are shared, as server-side apply does.
      const set = conflicts.some(([p]) => p === path) ? new Set<string>() : (owners.get(path) ?? new Set<string>());
      set.add(manager);
      owners.set(path, set);
      next.set(path, value);
    }
    const body = unflatten(next) as Partial<K8sObject>;
    const result: K8sObject = {
      ...body,
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: { ...(body.metadata ?? {}), name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
    } as K8sObject;
    if (stored?.object.status !== undefined) result.status = structuredClone(stored.object.status);
    const changed = !stored || !isDeepStrictEqual(next, live);
    const specChanged = !stored || !isDeepStrictEqual(result.spec, stored.object.spec);
    const previousGeneration = Number(stored?.object.metadata.generation ?? 0);
    result.metadata.generation = specChanged ? previousGeneration + 1 : previousGeneration;
    result.metadata.uid = stored?.object.metadata.uid ?? `uid-${this.rv + 1}`;
    result.metadata.resourceVersion = changed ? String(this.rv + 1) : stored!.object.metadata.resourceVersion;
    if (opts.dryRun) return structuredClone(result);
    if (changed) this.rv++;
    this.objects.set(key, { object: result, owners });
    if (changed) this.afterWrite(result);
    return structuredClone(this.objects.get(key)!.object);
  }

  async get(ref: ObjectRef): Promise<K8sObject | undefined> {
    this.intercept('get', ref);
    const stored = this.objects.get(keyOf(ref));
    return stored && structuredClone(stored.object);
  }

  async list(query: ListQuery): Promise<K8sObject[]> {
    this.intercept('list', { apiVersion: query.apiVersion, kind: query.kind, namespace: query.namespace, name: '' });
    const matches = selectorMatcher(query.labelSelector);
    return [...this.objects.values()]
      .map((s) => s.object)
      .filter((o) => groupOf(o.apiVersion) === groupOf(query.apiVersion) && o.kind === query.kind)
      .filter((o) => !query.namespace || o.metadata.namespace === query.namespace)
      .filter((o) => matches(o.metadata.labels ?? {}))
      .map((o) => structuredClone(o));
  }

  async delete(ref: ObjectRef, opts: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; dryRun?: boolean } = {}): Promise<boolean> {
    this.intercept('delete', ref, { dryRun: opts.dryRun || undefined });
    const key = keyOf(ref);
    if (!this.objects.has(key)) return false;
    if (!opts.dryRun) {
      this.objects.delete(key);
      this.rv++;
    }
    return true;
  }

  async create(obj: K8sObject, opts: { fieldManager?: string } = {}): Promise<K8sObject> {
    const ref = refOf(obj);
    this.intercept('create', ref);
    if (this.objects.has(keyOf(ref))) throw new KubeApiError(`${obj.kind.toLowerCase()}s "${ref.name}" already exists`, 409, 'AlreadyExists');
    return this.store(obj, opts.fieldManager ?? 'unknown');
  }

  async update(obj: K8sObject, opts: { fieldManager?: string } = {}): Promise<K8sObject> {
    const ref = refOf(obj);
    this.intercept('update', ref);
    const stored = this.objects.get(keyOf(ref));
    if (!stored) throw new KubeApiError(`${obj.kind.toLowerCase()}s "${ref.name}" not found`, 404, 'NotFound');
    const expected = obj.metadata.resourceVersion;
    if (expected !== undefined && expected !== stored.object.metadata.resourceVersion) {
      throw new KubeApiError(`Operation cannot be fulfilled on ${obj.kind.toLowerCase()}s "${ref.name}": the object has been modified; please apply your changes to the latest version and try again`, 409, 'Conflict');
    }
    return this.store(obj, opts.fieldManager ?? 'unknown', stored);
  }

  /** Merge patches only (what inferctl sends); metadata.resourceVersion in the patch is a precondition. */
  async patch(ref: ObjectRef, patch: unknown, type: PatchType, opts: { fieldManager?: string } = {}): Promise<K8sObject> {
    this.intercept('patch', ref);
    if (type !== 'merge') throw new Error(`fake: ${type} patches are not modelled`);
    const stored = this.objects.get(keyOf(ref));
    if (!stored) throw new KubeApiError(`${ref.kind.toLowerCase()}s "${ref.name}" not found`, 404, 'NotFound');
    const expected = (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (expected !== undefined && expected !== stored.object.metadata.resourceVersion) {
      throw new KubeApiError(`Operation cannot be fulfilled on ${ref.kind.toLowerCase()}s "${ref.name}": the object has been modified; please apply your changes to the latest version and try again`, 409, 'Conflict');
    }
    return this.store(mergePatch(structuredClone(stored.object), patch) as K8sObject, opts.fieldManager ?? 'unknown', stored);
  }

  /** Writes a whole object outside apply: the writer owns nothing apply tracks, as with kubectl edit. */
  private store(obj: K8sObject, _manager: string, previous?: StoredObject): K8sObject {
    const next = structuredClone(obj);
    const specChanged = !previous || !isDeepStrictEqual(next.spec, previous.object.spec);
    next.metadata.uid = previous?.object.metadata.uid ?? `uid-${this.rv + 1}`;
    next.metadata.generation = Number(previous?.object.metadata.generation ?? 0) + (specChanged ? 1 : 0);
    next.metadata.resourceVersion = String(++this.rv);
    this.objects.set(keyOf(refOf(next)), { object: next, owners: previous?.owners ?? new Map() });
    this.afterWrite(next);
    return structuredClone(next);
  }

  private afterWrite(object: K8sObject): void {
    for (const r of this.reactions) if (r.kind === object.kind) r.react(structuredClone(object), this);
  }
}

/** RFC 7386: null deletes, maps merge, everything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Label selectors as the API server reads them: k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b). */
export function selectorMatcher(selector: string | undefined): (labels: Record<string, string>) => boolean {
  if (!selector?.trim()) return () => true;
  const terms = selector.split(/,(?![^(]*\))/).map((t) => t.trim()).filter(Boolean);
  const tests = terms.map((term): ((l: Record<string, string>) => boolean) => {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const [, key, op, list] = m;
      const values = list.split(',').map((v) => v.trim());
      return op === 'in' ? (l) => key in l && values.includes(l[key]) : (l) => !(key in l) || !values.includes(l[key]);
    }
    if ((m = /^([^\s!=]+)\s*!=\s*(.*)$/.exec(term))) {
      const [, key, value] = m;
      return (l) => l[key] !== value;
    }
    if ((m = /^([^\s!=]+)\s*==?\s*(.*)$/.exec(term))) {
      const [, key, value] = m;
      return (l) => l[key] === value;
    }
    if ((m = /^!([^\s!=]+)$/.exec(term))) return (l) => !(m![1] in l);
    if (/^[^\s!=]+$/.test(term)) return (l) => term in l;
    throw new KubeApiError(`unable to parse requirement: ${term}`, 400, 'BadRequest');
  });
  return (labels) => tests.every((t) => t(labels));
}

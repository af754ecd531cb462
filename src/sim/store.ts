/**
 * In-memory object storage with one global resourceVersion counter (as etcd's revision), a
 * bounded event history per resource (the apiserver's watch cache) for watches that resume from a
 * resourceVersion, and the request log that tests read to assert ordering.
 */
import type { K8sObject } from '../core/object.js';
import { clone } from './util.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Objects in events are shared with the store: read them, never mutate them. */
export interface StoreEvent {
  type: WatchEventType;
  storageKey: string;
  /** The object after the change (for DELETED: the last state, carrying the deletion's resourceVersion). */
  object: K8sObject;
  /** The object before the change (undefined for ADDED). Watches with selectors need it. */
  previous?: K8sObject;
  rv: number;
}

export interface RequestLogEntry {
  seq: number;
  /** Milliseconds since the epoch when the request arrived. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** HTTP status sent back; 0 while a watch is still streaming. */
  status: number;
  userAgent?: string;
  contentType?: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb?: string;
  /** Plural resource name, e.g. "deployments". */
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface ObjectQuery {
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  name?: string | RegExp;
  labels?: Record<string, string>;
}

/** The watch cache's events per resource type (the real one starts at 100 and grows with load). */
export const DEFAULT_WATCH_CACHE_SIZE = 1024;

/** A resume point the watch cache can no longer serve: `oldest` is the newest version that is too old. */
export interface Expired {
  expired: true;
  oldest: number;
}

export class Store {
  private rv = 1;
  private readonly data = new Map<string, Map<string, K8sObject>>();
  private readonly history = new Map<string, StoreEvent[]>();
  /** Resource types whose history has dropped events: only those can refuse an old resume point. */
  private readonly trimmed = new Set<string>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  readonly requests: RequestLogEntry[] = [];
  private requestSeq = 0;

  constructor(private readonly watchCacheSize = DEFAULT_WATCH_CACHE_SIZE) {}

  currentResourceVersion(): number {
    return this.rv;
  }

  private bucket(storageKey: string): Map<string, K8sObject> {
    let b = this.data.get(storageKey);
    if (!b) {
      b = new Map();
      this.data.set(storageKey, b);
    }
    return b;
  }

  /** A copy: callers may mutate what they get. */
  get(storageKey: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const o = this.data.get(storageKey)?.get(`${namespace ?? ''}/${name}`);
    return o ? clone(o) : undefined;
  }

  /**
   * The stored object itself, not a copy: for hot read-only paths (large CRDs would otherwise be
   * cloned on every request). Callers must not mutate it.
   */
  peek(storageKey: string, namespace: string | undefined, name: string): Readonly<K8sObject> | undefined {
    return this.data.get(storageKey)?.get(`${namespace ?? ''}/${name}`);
  }

  /** Stored objects without copying (read-only, unordered). */
  scan(storageKey: string, namespace?: string): readonly Readonly<K8sObject>[] {
    const b = this.data.get(storageKey);
    if (!b) return [];
    const out: K8sObject[] = [];
    for (const [key, o] of b) if (namespace === undefined || key.startsWith(`${namespace}/`)) out.push(o);
    return out;
  }

  /** Copies, ordered by namespace then name (the apiserver lists in key order). */
  list(storageKey: string, namespace?: string): K8sObject[] {
    const b = this.data.get(storageKey);
    if (!b) return [];
    const out: K8sObject[] = [];
    for (const [key, o] of b) if (namespace === undefined || key.startsWith(`${namespace}/`)) out.push(o);
    out.sort((a, b2) => compareKeys(a, b2));
    return out.map((o) => clone(o));
  }

  /**
   * Stores a new version: assigns the next resourceVersion and notifies watchers. The store takes
   * ownership of `object` (callers pass a fresh copy); events share the stored objects, so event
   * listeners must treat them as read-only. Returns a copy.
   */
  write(storageKey: string, object: K8sObject): K8sObject {
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const b = this.bucket(storageKey);
    const previous = b.get(key);
    this.rv += 1;
    const stored = object;
    stored.metadata.resourceVersion = String(this.rv);
    b.set(key, stored);
    this.emit({ type: previous ? 'MODIFIED' : 'ADDED', storageKey, object: stored, previous, rv: this.rv });
    return clone(stored);
  }

  remove(storageKey: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const key = `${namespace ?? ''}/${name}`;
    const b = this.data.get(storageKey);
    const previous = b?.get(key);
    if (!b || !previous) return undefined;
    b.delete(key);
    this.rv += 1;
    const last = clone(previous);
    // Like etcd, the DELETED event carries the revision of the deletion.
    last.metadata.resourceVersion = String(this.rv);
    this.emit({ type: 'DELETED', storageKey, object: last, previous, rv: this.rv });
    return clone(last);
  }

  private emit(e: StoreEvent): void {
    let h = this.history.get(e.storageKey);
    if (!h) this.history.set(e.storageKey, (h = []));
    h.push(e);
    if (h.length > this.watchCacheSize) {
      h.splice(0, h.length - this.watchCacheSize);
      this.trimmed.add(e.storageKey);
    }
    for (const l of [...this.listeners]) l(e);
  }

  /**
   * Events of one resource type after `rv`, or Expired when the history no longer reaches back that
   * far (the watch cache's rule: a resume point older than the oldest kept event minus one).
   */
  eventsSince(rv: number, storageKey: string): StoreEvent[] | Expired {
    const h = this.history.get(storageKey) ?? [];
    if (this.trimmed.has(storageKey) && h.length && rv < h[0].rv - 1) return { expired: true, oldest: h[0].rv - 1 };
    let i = h.length;
    while (i > 0 && h[i - 1].rv > rv) i--;
    return h.slice(i);
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  storageKeys(): string[] {
    return [...this.data.keys()];
  }

  // ---- read access for tests ----

  /** Every stored object matching the query (copies). */
  objects(q: ObjectQuery = {}): K8sObject[] {
    const out: K8sObject[] = [];
    for (const b of this.data.values()) {
      for (const o of b.values()) {
        if (q.kind && o.kind !== q.kind) continue;
        if (q.apiVersion && o.apiVersion !== q.apiVersion) continue;
        if (q.namespace !== undefined && (o.metadata.namespace ?? '') !== q.namespace) continue;
        if (q.name !== undefined && !(typeof q.name === 'string' ? o.metadata.name === q.name : q.name.test(o.metadata.name))) continue;
        if (q.labels && !Object.entries(q.labels).every(([k, v]) => o.metadata.labels?.[k] === v)) continue;
        out.push(o);
      }
    }
    out.sort(compareKeys);
    return out.map((o) => clone(o));
  }

  /** The first object matching, or undefined. */
  find(q: ObjectQuery): K8sObject | undefined {
    return this.objects(q)[0];
  }

  /** Requests matching a filter, oldest first (for asserting ordering). */
  requestsWhere(filter: Partial<Pick<RequestLogEntry, 'method' | 'verb' | 'resource' | 'namespace' | 'name' | 'subresource'>>): RequestLogEntry[] {
    return this.requests.filter((r) => Object.entries(filter).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v));
  }

  logRequest(entry: Omit<RequestLogEntry, 'seq' | 'status'>): RequestLogEntry {
    const e: RequestLogEntry = { ...entry, seq: ++this.requestSeq, status: 0 };
    this.requests.push(e);
    if (this.requests.length > 20_000) this.requests.splice(0, this.requests.length - 20_000);
    return e;
  }
}

function compareKeys(a: K8sObject, b: K8sObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

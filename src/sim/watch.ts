/**
 * Watch streams: a chunked response of newline-delimited {"type","object"} events. Resumes from a
 * resourceVersion out of the store's history (410 Expired when it is too old), starts with
 * synthetic ADDED events when no resourceVersion is given, supports sendInitialEvents with the
 * initial-events-end bookmark (client-go's WatchList), and applies selectors the way the watch
 * cache does: an object leaving the selector is DELETED, one entering it is ADDED.
 */
import type { ServerResponse } from 'node:http';
import type { K8sObject } from '../core/object.js';
import type { ApiServer } from './api.js';
import { gone } from './errors.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { StoreEvent, WatchEventType } from './store.js';
import { toTable, type IncludeObject } from './tables.js';
import { clone } from './util.js';

export interface WatchOptions {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  /** Set when the client asked for Table output (kubectl get -w). */
  table?: IncludeObject;
  /** How often to send progress bookmarks when allowed. */
  bookmarkIntervalMs?: number;
}

export function serveWatch(api: ApiServer, rt: ResourceType, res: ServerResponse, opts: WatchOptions, onEnd: () => void): () => void {
  // Parse selectors first so a bad selector is a 400 before the stream starts.
  const labelSel = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : [];
  const fieldSel = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, rt) : [];
  const ns = rt.namespaced ? opts.namespace : undefined;
  const matches = (o: K8sObject | undefined): boolean =>
    !!o && (ns === undefined || o.metadata.namespace === ns) && matchesLabels(labelSel, o.metadata.labels) && matchesFields(fieldSel, o);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let closed = false;
  const send = (type: WatchEventType | 'BOOKMARK' | 'ERROR', object: unknown): void => {
    if (closed) return;
    let payload = object;
    if (opts.table && type !== 'BOOKMARK' && type !== 'ERROR') {
      const o = object as K8sObject;
      payload = toTable(rt, [o], String(o.metadata.resourceVersion ?? ''), opts.table);
    }
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };
  const present = (o: K8sObject): K8sObject => api.present(rt, clone(o));
  const translate = (e: StoreEvent): void => {
    if (e.storageKey !== rt.storageKey) return;
    const was = e.previous ? matches(present(e.previous)) : false;
    const now = e.type === 'DELETED' ? false : matches(present(e.object));
    const obj = present(e.object);
    if (e.type === 'DELETED') {
      if (was || matches(obj)) send('DELETED', obj);
    } else if (was && now) send('MODIFIED', obj);
    else if (!was && now) send('ADDED', obj);
    else if (was && !now) send('DELETED', obj);
  };

  const rv = opts.resourceVersion;
  const startFresh = opts.sendInitialEvents === true || rv === undefined || rv === '' || rv === '0';
  let backlog: StoreEvent[] = [];
  if (!startFresh) {
    const since = api.store.eventsSince(Number(rv), rt.storageKey);
    if (!Array.isArray(since)) {
      // Like the watch cache: the request succeeds and the stream carries one ERROR event.
      send('ERROR', gone(`too old resource version: ${rv} (${since.oldest})`).status);
      res.end();
      onEnd();
      return () => undefined;
    }
    backlog = since;
  }
  const unsubscribe = api.store.subscribe(translate);
  if (startFresh) {
    for (const o of api.store.list(rt.storageKey, ns)) if (matches(present(o))) send('ADDED', present(o));
    if (opts.sendInitialEvents && opts.allowWatchBookmarks) {
      send('BOOKMARK', {
        kind: rt.kind,
        apiVersion: apiVersionOf(rt),
        metadata: { resourceVersion: String(api.store.currentResourceVersion()), annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  } else {
    for (const e of backlog) translate(e);
  }

  const timers: NodeJS.Timeout[] = [];
  if (opts.allowWatchBookmarks && opts.bookmarkIntervalMs) {
    const t = setInterval(() => {
      send('BOOKMARK', { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: String(api.store.currentResourceVersion()) } });
    }, opts.bookmarkIntervalMs);
    t.unref();
    timers.push(t);
  }
  const stop = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearInterval(t);
    if (!res.writableEnded) res.end();
    onEnd();
  };
  if (opts.timeoutSeconds && opts.timeoutSeconds > 0) {
    const t = setTimeout(stop, opts.timeoutSeconds * 1000);
    t.unref();
    timers.push(t);
  }
  res.on('close', stop);
  return stop;
}

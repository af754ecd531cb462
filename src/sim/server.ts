/**
 * The HTTP front: routes Kubernetes REST paths to the ApiServer, negotiates Table and aggregated
 * discovery responses, streams watches, logs every request, and turns errors into Status bodies.
 */
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';

const ServerResponseProto = ServerResponse.prototype;
import { randomUUID } from 'node:crypto';
import type { K8sObject } from '../core/object.js';
import { PATCH_CONTENT_TYPES, type ApiServer, type FieldValidation, type RequestOptions } from './api.js';
import {
  AGGREGATED_V2,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3Doc,
  openApiV3Index,
  versionDoc,
  type VersionInfo,
} from './discovery.js';
import { ApiError, badRequest, internalError, methodNotAllowed, pathNotFound, unsupportedMediaType, invalid, fieldErr } from './errors.js';
import type { DeleteOptions } from './lifecycle.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import type { RequestLogEntry } from './store.js';
import { toTable, type IncludeObject } from './tables.js';
import { serveWatch } from './watch.js';
import { decodeKubernetesProtobuf } from './protobuf.js';
import { isObj } from './util.js';
import { parse as parseYaml } from 'yaml';
import type { Faults } from './faults.js';

export interface HttpOptions {
  version: VersionInfo;
  /** Injected failures (429, 500, resets, hung requests, latency); see faults.ts. */
  faults: Faults;
  /** Progress bookmarks on watches that allow them. */
  bookmarkIntervalMs: number;
  podLogs(namespace: string, pod: string, container?: string): string | undefined;
}

const MAX_BODY = 3 * 1024 * 1024;

interface Route {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  legacyWatch: boolean;
}

export class HttpFront {
  readonly server: Server;
  private readonly watches = new Set<() => void>();
  private port = 0;

  constructor(
    private readonly api: ApiServer,
    private readonly opts: HttpOptions,
  ) {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((e: unknown) => this.fail(res, e));
    });
    // Watches are long-lived; never let Node's request timeout cut them.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 5000;
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    return this.port;
  }

  async close(): Promise<void> {
    for (const stop of [...this.watches]) stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Requests pass the fault injector first: what a client sees from an overloaded or flaky server. */
  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const faults = this.opts.faults;
    if (!faults.active) return this.handle(req, res);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const fault = faults.decide(path);
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    switch (fault) {
      case 'hang':
        // Never answered; the connection stays open until the client gives up or the simulator stops.
        req.resume();
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case '429':
        res.setHeader('Retry-After', String(faults.retryAfterSeconds));
        this.json(res, 429, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: faults.retryAfterSeconds }, code: 429 });
        return;
      case '500':
        this.json(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Internal error occurred: simulated server fault', reason: 'InternalError', code: 500 });
        return;
      case '500-after':
      case 'reset-after': {
        // The request takes effect; only its answer is lost.
        const after = fault;
        res.writeHead = (() => res) as unknown as typeof res.writeHead;
        res.setHeader = (() => res) as unknown as typeof res.setHeader;
        const end = res.end.bind(res);
        res.end = ((..._args: unknown[]) => {
          if (after === 'reset-after') {
            req.socket.destroy();
            return res;
          }
          const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Internal error occurred: etcdserver: request timed out', reason: 'InternalError', code: 500 });
          res.statusCode = 500;
          ServerResponseProto.setHeader.call(res, 'Content-Type', 'application/json');
          ServerResponseProto.writeHead.call(res, 500);
          return end(body);
        }) as typeof res.end;
        return this.handle(req, res);
      }
      default:
        return this.handle(req, res);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const method = (req.method ?? 'GET').toUpperCase();
    const entry = this.api.store.logRequest({
      time: Date.now(),
      method,
      path: url.pathname,
      query,
      userAgent: req.headers['user-agent'],
      contentType: req.headers['content-type'],
    });
    res.setHeader('Audit-Id', randomUUID());
    res.setHeader('Cache-Control', 'no-cache, private');
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = String(req.headers.accept ?? '');

    if (method === 'GET' && this.discovery(path, accept, res)) return;

    const route = this.route(path);
    if (!route) throw pathNotFound();
    entry.resource = route.rt.plural;
    entry.namespace = route.namespace;
    entry.name = route.name;
    entry.subresource = route.subresource;
    const body = await readBody(req);
    await this.resource(method, route, query, body, req, res, accept, entry);
  }

  /** Serves discovery/openapi/version paths; returns false when the path is not one of them. */
  private discovery(path: string, accept: string, res: ServerResponse): boolean {
    const reg = this.api.registry;
    const aggregated = accept.includes('g=apidiscovery.k8s.io') && accept.includes('as=APIGroupDiscoveryList');
    switch (path) {
      case '/version':
        this.json(res, 200, versionDoc(this.opts.version));
        return true;
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return true;
      case '/api':
        if (aggregated) this.json(res, 200, aggregatedDiscovery(reg, true), AGGREGATED_V2);
        else this.json(res, 200, apiVersions(`127.0.0.1:${this.port}`));
        return true;
      case '/apis':
        if (aggregated) this.json(res, 200, aggregatedDiscovery(reg, false), AGGREGATED_V2);
        else this.json(res, 200, apiGroupList(reg));
        return true;
      case '/openapi/v3':
        this.json(res, 200, openApiV3Index(reg));
        return true;
      case '/openapi/v2':
        // Not modelled: kubectl only needs it when OpenAPI v3 says fieldValidation is unsupported.
        throw pathNotFound();
      default:
        break;
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiV3Doc(reg, path.slice('/openapi/v3/'.length));
      if (!doc) throw pathNotFound();
      this.json(res, 200, doc);
      return true;
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) {
      const list = apiResourceList(reg, '', parts[1]);
      if (!list) throw pathNotFound();
      this.json(res, 200, list);
      return true;
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = apiGroup(reg, parts[1]);
      if (!g) throw pathNotFound();
      this.json(res, 200, g);
      return true;
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = apiResourceList(reg, parts[1], parts[2]);
      if (!list) throw pathNotFound();
      this.json(res, 200, list);
      return true;
    }
    return false;
  }

  private route(path: string): Route | undefined {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) {
      group = '';
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else return undefined;
    let legacyWatch = false;
    if (rest[0] === 'watch') {
      legacyWatch = true;
      rest = rest.slice(1);
    }
    const reg = this.api.registry;
    const find = (plural: string) => reg.find(group, version, plural);
    // namespaces/<ns>/<resource>... vs namespaces/<name>[/status|/finalize]
    if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize') && group === '')) {
      const rt = find(rest[2]);
      if (!rt || !rt.namespaced || rest.length > 5) return undefined;
      return { rt, namespace: rest[1], name: rest[3], subresource: rest[4], legacyWatch };
    }
    if (rest.length === 0 || rest.length > 3) return undefined;
    const rt = find(rest[0]);
    if (!rt) return undefined;
    if (rt.namespaced && rest.length > 1) return undefined;
    return { rt, name: rest[1], subresource: rest[2], legacyWatch };
  }

  private async resource(method: string, route: Route, q: Record<string, string>, body: Buffer, req: IncomingMessage, res: ServerResponse, accept: string, entry: RequestLogEntry): Promise<void> {
    const { rt, namespace, name, subresource } = route;
    const warnings: string[] = [];
    const opts: RequestOptions = {
      fieldManager: q.fieldManager || undefined,
      userAgent: req.headers['user-agent'],
      dryRun: parseDryRun(q.dryRun),
      fieldValidation: parseFieldValidation(q.fieldValidation),
      warnings,
    };
    const table = tableRequested(accept) ? ((q.includeObject as IncludeObject) ?? 'Metadata') : undefined;
    const send = (code: number, payload: unknown) => {
      for (const w of warnings) res.appendHeader('Warning', `299 - ${JSON.stringify(w)}`);
      this.json(res, code, payload);
    };

    if (subresource && !this.subresourceServed(rt, subresource)) throw pathNotFound();

    if (!name) {
      // Collection.
      if (method === 'GET') {
        const watch = route.legacyWatch || queryBool(q.watch) === true;
        if (watch) {
          entry.verb = 'watch';
          let stop: (() => void) | undefined;
          stop = serveWatch(
            this.api,
            rt,
            res,
            {
              namespace,
              resourceVersion: q.resourceVersion,
              labelSelector: q.labelSelector,
              fieldSelector: q.fieldSelector,
              allowWatchBookmarks: queryBool(q.allowWatchBookmarks) === true,
              sendInitialEvents: queryBool(q.sendInitialEvents) === true,
              timeoutSeconds: q.timeoutSeconds ? Number(q.timeoutSeconds) : undefined,
              table,
              bookmarkIntervalMs: this.opts.bookmarkIntervalMs,
            },
            () => {
              if (stop) this.watches.delete(stop);
            },
          );
          if (!res.writableEnded) this.watches.add(stop);
          return;
        }
        entry.verb = 'list';
        const r = this.api.list(rt, namespace, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: q.limit ? Number(q.limit) : undefined, continue: q.continue });
        const meta: Record<string, unknown> = { resourceVersion: r.resourceVersion };
        if (r.continue) meta.continue = r.continue;
        if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
        if (table) return send(200, toTable(rt, r.items, r.resourceVersion, table, r.continue ? { continue: r.continue } : {}));
        return send(200, { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata: meta, items: r.items.map((o) => listItem(rt, o)) });
      }
      if (method === 'POST') {
        entry.verb = 'create';
        const created = this.api.create(rt, namespace, decodeBody(req, body), opts);
        return send(201, created);
      }
      if (method === 'DELETE') {
        entry.verb = 'deletecollection';
        const delOpts = deleteOptions(body, q, mediaType(req));
        const items = this.api.deleteCollection(rt, namespace, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector }, delOpts, opts);
        return send(200, { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: String(this.api.store.currentResourceVersion()) }, items });
      }
      throw methodNotAllowed();
    }

    if (subresource === 'scale') {
      if (method === 'GET') return send(200, this.api.getScale(rt, namespace, name));
      if (method === 'PUT') return send(200, this.api.updateScale(rt, namespace, name, decodeBody(req, body), opts));
      if (method === 'PATCH') {
        const type = PATCH_CONTENT_TYPES[mediaType(req)];
        if (!type || type === 'apply') throw unsupportedMediaType(mediaType(req), Object.keys(PATCH_CONTENT_TYPES));
        return send(200, this.api.patchScale(rt, namespace, name, type, body.toString('utf8'), opts));
      }
      throw methodNotAllowed();
    }
    if (subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed();
      this.api.get(rt, namespace, name);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(this.opts.podLogs(namespace ?? '', name, q.container) ?? '');
      return;
    }

    switch (method) {
      case 'GET': {
        entry.verb = 'get';
        const o = this.api.get(rt, namespace, name);
        if (table) return send(200, toTable(rt, [o], String(o.metadata.resourceVersion), table));
        return send(200, o);
      }
      case 'PUT': {
        entry.verb = 'update';
        if (subresource && subresource !== 'status' && subresource !== 'finalize') throw methodNotAllowed();
        const existed = !!this.api.store.get(rt.storageKey, rt.namespaced ? namespace : undefined, name);
        const o = this.api.update(rt, namespace, name, decodeBody(req, body), opts, subresource);
        return send(existed ? 200 : 201, o);
      }
      case 'PATCH': {
        entry.verb = 'patch';
        if (subresource && subresource !== 'status') throw methodNotAllowed();
        const ct = mediaType(req);
        const type = PATCH_CONTENT_TYPES[ct];
        if (!type) throw unsupportedMediaType(ct, ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', 'application/strategic-merge-patch+json']);
        const existed = !!this.api.store.get(rt.storageKey, rt.namespaced ? namespace : undefined, name);
        const force = queryBool(q.force);
        const o = this.api.patch(rt, namespace, name, type, body.toString('utf8'), { ...opts, force }, subresource);
        return send(existed ? 200 : 201, o);
      }
      case 'DELETE': {
        entry.verb = 'delete';
        if (subresource) throw methodNotAllowed();
        const r = this.api.delete(rt, namespace, name, deleteOptions(body, q, mediaType(req)), opts);
        return send(200, r.object ?? r.status);
      }
      default:
        throw methodNotAllowed();
    }
  }

  private subresourceServed(rt: ResourceType, sub: string): boolean {
    if (sub === 'status') return rt.status;
    if (sub === 'scale') return !!rt.scale;
    if (sub === 'finalize') return rt.kind === 'Namespace';
    if (sub === 'log') return rt.kind === 'Pod';
    return false;
  }

  private json(res: ServerResponse, code: number, payload: unknown, contentType = 'application/json'): void {
    const text = `${JSON.stringify(payload)}\n`;
    res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private fail(res: ServerResponse, e: unknown): void {
    const err = e instanceof ApiError ? e : internalError(e instanceof Error ? e.message : String(e));
    if (!(e instanceof ApiError)) console.error('[k8s-sim] internal error:', e);
    if (res.headersSent) {
      res.end();
      return;
    }
    this.json(res, err.code, err.status);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function decodeBody(req: IncomingMessage, body: Buffer): unknown {
  const ct = mediaType(req);
  const text = body.toString('utf8');
  if (ct === 'application/vnd.kubernetes.protobuf') return decodeKubernetesProtobuf(body);
  if (ct === 'application/cbor') throw unsupportedMediaType(ct, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
  try {
    if (ct === 'application/yaml') return parseYaml(text);
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`Object 'Kind' is missing in '${text.slice(0, 200)}': ${(e as Error).message}`);
  }
}

function deleteOptions(body: Buffer, q: Record<string, string>, contentType = ''): DeleteOptions {
  let o: Record<string, unknown> = {};
  if (body.length && contentType === 'application/vnd.kubernetes.protobuf') o = decodeKubernetesProtobuf(body);
  else if (body.length) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      if (isObj(parsed)) o = parsed;
    } catch {
      throw badRequest('invalid DeleteOptions body');
    }
  }
  const policy = (o.propagationPolicy ?? q.propagationPolicy) as string | undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw invalid('DeleteOptions', 'meta.k8s.io', '', [fieldErr.notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan', 'nil'])]);
  }
  const grace = o.gracePeriodSeconds ?? (q.gracePeriodSeconds !== undefined ? Number(q.gracePeriodSeconds) : undefined);
  const dry = Array.isArray(o.dryRun) ? o.dryRun.includes('All') : q.dryRun === 'All';
  return {
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    orphanDependents: typeof o.orphanDependents === 'boolean' ? o.orphanDependents : queryBool(q.orphanDependents),
    preconditions: isObj(o.preconditions) ? (o.preconditions as DeleteOptions['preconditions']) : undefined,
    dryRun: dry,
  };
}

/**
 * Boolean query parameters as the apiserver's parameter codec reads them (Convert_Slice_string_To_bool):
 * "0" and any casing of "false" are false; every other value, the empty one included, is true.
 */
export function queryBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

function parseDryRun(v: string | undefined): boolean {
  if (v === undefined || v === '') return false;
  if (v === 'All') return true;
  throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
}

function parseFieldValidation(v: string | undefined): FieldValidation | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

function tableRequested(accept: string): boolean {
  return accept.split(',')[0].includes('as=Table');
}

/** Typed lists from the apiserver carry no apiVersion/kind per item; unstructured (CR) lists do. */
function listItem(rt: ResourceType, o: K8sObject): unknown {
  if (rt.crd) return o;
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

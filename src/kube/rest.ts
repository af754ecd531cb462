import { groupOf, versionOf, type K8sObject } from '../core/object.js';
import { AbortedError, TransportError, Transport, type HttpAnswer } from './transport.js';
import { KubeApiError, type ApplyOptions, type DeleteOptions, type KubeClient, type ListQuery, type ObjectRef, type PatchType } from './types.js';

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

const PATCH_CONTENT: Record<PatchType | 'apply', string> = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** Page size of lists: a namespace of 200 models is a few requests, never one huge answer. */
const PAGE = 500;

/**
 * KubeClient over the Kubernetes REST API itself (what kubectl speaks): discovery maps a kind to its
 * resource, every request goes through Transport (retries, per-attempt timeout, abort), and errors
 * come back as KubeApiError with the server's Status or a message saying the server was not reached.
 */
export class RestKube implements KubeClient {
  private resources = new Map<string, Promise<Map<string, ResourceInfo> | undefined>>();

  constructor(
    private readonly transport: Transport,
    private readonly target: string,
    private readonly signal?: AbortSignal,
  ) {}

  describeTarget(): string {
    return this.target;
  }

  refreshDiscovery(): void {
    this.resources.clear();
  }

  close(): void {
    this.transport.close();
  }

  async apply(obj: K8sObject, opts: ApplyOptions): Promise<K8sObject> {
    const path = await this.objectPath(obj, `apply ${obj.kind} ${obj.metadata.name}`);
    const q = query({ fieldManager: opts.fieldManager, force: opts.force ? 'true' : undefined, dryRun: opts.dryRun ? 'All' : undefined });
    return this.json(await this.call('PATCH', `${path}${q}`, `apply ${obj.kind} ${obj.metadata.name}`, JSON.stringify(obj), PATCH_CONTENT.apply));
  }

  async create(obj: K8sObject, opts: { fieldManager?: string } = {}): Promise<K8sObject> {
    const ref = { ...refOf(obj), name: '' };
    const path = await this.collectionPath(ref, `create ${obj.kind} ${obj.metadata.name}`);
    return this.json(await this.call('POST', `${path}${query({ fieldManager: opts.fieldManager })}`, `create ${obj.kind} ${obj.metadata.name}`, JSON.stringify(obj)));
  }

  async update(obj: K8sObject, opts: { fieldManager?: string } = {}): Promise<K8sObject> {
    const path = await this.objectPath(obj, `update ${obj.kind} ${obj.metadata.name}`);
    return this.json(await this.call('PUT', `${path}${query({ fieldManager: opts.fieldManager })}`, `update ${obj.kind} ${obj.metadata.name}`, JSON.stringify(obj)));
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, opts: { fieldManager?: string } = {}): Promise<K8sObject> {
    const path = await this.objectPath(ref, `patch ${ref.kind} ${ref.name}`);
    return this.json(await this.call('PATCH', `${path}${query({ fieldManager: opts.fieldManager })}`, `patch ${ref.kind} ${ref.name}`, JSON.stringify(patch), PATCH_CONTENT[type]));
  }

  async get(ref: ObjectRef): Promise<K8sObject | undefined> {
    const path = await this.objectPath(ref, `get ${ref.kind} ${ref.name}`, true);
    if (!path) return undefined;
    const answer = await this.call('GET', path, `get ${ref.kind} ${ref.name}`, undefined, undefined, true);
    return answer.status === 404 ? undefined : this.json(answer);
  }

  async list(q: ListQuery): Promise<K8sObject[]> {
    const base = await this.collectionPath({ apiVersion: q.apiVersion, kind: q.kind, namespace: q.namespace, name: '' }, `list ${q.kind}`, true);
    if (!base) return [];
    const items: K8sObject[] = [];
    let token: string | undefined;
    do {
      const answer = await this.call('GET', `${base}${query({ labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: String(PAGE), continue: token })}`, `list ${q.kind}`, undefined, undefined, true);
      if (answer.status === 404) return [];
      const page = this.json(answer) as unknown as { items?: K8sObject[]; metadata?: { continue?: string } };
      for (const item of page.items ?? []) items.push({ ...item, apiVersion: q.apiVersion, kind: q.kind });
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  async delete(ref: ObjectRef, opts: DeleteOptions = {}): Promise<boolean> {
    const path = await this.objectPath(ref, `delete ${ref.kind} ${ref.name}`, true);
    if (!path) return false;
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: opts.propagationPolicy ?? 'Background', ...(opts.dryRun ? { dryRun: ['All'] } : {}) });
    const answer = await this.call('DELETE', path, `delete ${ref.kind} ${ref.name}`, body, undefined, true);
    if (answer.status === 404) return false;
    this.json(answer);
    return true;
  }

  private async call(method: string, path: string, what: string, body?: string, contentType?: string, allow404 = false): Promise<HttpAnswer> {
    let answer: HttpAnswer;
    try {
      answer = await this.transport.send({ method, path, body, contentType, signal: this.signal });
    } catch (err) {
      if (err instanceof AbortedError) throw err;
      const code = err instanceof TransportError ? err.code : '';
      const hint = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? ' Is the cluster running, and is this the right kubeconfig context? Check with: kubectl cluster-info'
        : code === 'ETIMEDOUT'
          ? ' The API server did not answer in time; it may be overloaded. Run the command again: it converges.'
          : ' Run the command again: it converges from where it stopped.';
      throw new KubeApiError(`${what}: cannot reach the Kubernetes API at ${this.target} (${code || 'no answer'}: ${(err as Error).message}).${hint}`, 0, 'ConnectionFailed');
    }
    if (answer.status === 404 && allow404 && isNotFoundStatus(answer)) return answer;
    if (answer.status >= 400) throw apiError(answer, what);
    return answer;
  }

  private json(answer: HttpAnswer): K8sObject {
    return JSON.parse(answer.body) as K8sObject;
  }

  private async resourceOf(apiVersion: string, kind: string, what: string, quiet: boolean): Promise<ResourceInfo | undefined> {
    let found = this.resources.get(apiVersion);
    if (!found) {
      found = this.discover(apiVersion);
      this.resources.set(apiVersion, found);
      found.catch(() => this.resources.delete(apiVersion));
    }
    const info = (await found)?.get(kind);
    if (!info) {
      // Not served (yet): reads see nothing; writes fail as kubectl does, and the engine retries them.
      if (quiet) return undefined;
      this.resources.delete(apiVersion);
      throw new KubeApiError(`${what}: no matches for kind "${kind}" in version "${apiVersion}" (the API server does not serve it: is its CRD installed?)`, 404, 'NotFound');
    }
    return info;
  }

  private async discover(apiVersion: string): Promise<Map<string, ResourceInfo> | undefined> {
    const group = groupOf(apiVersion);
    const path = group ? `/apis/${group}/${versionOf(apiVersion)}` : `/api/${versionOf(apiVersion)}`;
    const answer = await this.call('GET', path, `discover ${apiVersion}`, undefined, undefined, true);
    if (answer.status === 404) return undefined;
    const list = JSON.parse(answer.body) as { resources?: { name: string; kind: string; namespaced: boolean }[] };
    const out = new Map<string, ResourceInfo>();
    for (const r of list.resources ?? []) if (!r.name.includes('/')) out.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    return out;
  }

  private async collectionPath(ref: ObjectRef, what: string, quiet = false): Promise<string | undefined> {
    const info = await this.resourceOf(ref.apiVersion, ref.kind, what, quiet);
    if (!info) return undefined;
    const group = groupOf(ref.apiVersion);
    const root = group ? `/apis/${group}/${versionOf(ref.apiVersion)}` : `/api/${versionOf(ref.apiVersion)}`;
    const ns = info.namespaced && ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
    return `${root}${ns}/${info.plural}`;
  }

  private async objectPath(ref: ObjectRef | K8sObject, what: string, quiet = false): Promise<string | undefined> {
    const r = 'metadata' in ref ? refOf(ref) : ref;
    const base = await this.collectionPath(r, what, quiet);
    return base && `${base}/${encodeURIComponent(r.name)}`;
  }
}

function refOf(obj: K8sObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A 404 about the object itself (reason NotFound), not about a path the server does not know. */
function isNotFoundStatus(answer: HttpAnswer): boolean {
  try {
    return (JSON.parse(answer.body) as { reason?: string }).reason === 'NotFound';
  } catch {
    return false;
  }
}

function apiError(answer: HttpAnswer, what: string): KubeApiError {
  let status: Record<string, unknown> | undefined;
  try {
    status = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    status = undefined;
  }
  const message = (status?.message as string | undefined) ?? (answer.body.trim().slice(0, 300) || `HTTP ${answer.status}`);
  return new KubeApiError(`${what}: ${message}`, answer.status, (status?.reason as string | undefined) ?? '', status);
}

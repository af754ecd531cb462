import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
// The generic client deserializes responses into typed models (Dates, renamed keys); this turns
// them back into the wire JSON that readiness rules and records work with.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';
import { UserError } from '../core/errors.js';
import type { K8sObject } from '../core/object.js';
import { KubeApiError, type ApplyOptions, type KubeClient, type ListQuery, type ObjectRef } from './types.js';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
}

export function loadKubeConfig(opts: ConnectOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UserError(`cannot read kubeconfig ${opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config'}: ${(err as Error).message}. Pass --kubeconfig FILE or set KUBECONFIG.`);
  }
  if (opts.context) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new UserError(`kubeconfig has no context "${opts.context}"; it has: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}. Pick one with --kube-context.`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new UserError('no Kubernetes cluster is configured: the kubeconfig has no current context. Pass --kubeconfig FILE and --kube-context NAME.');
  }
  return kc;
}

function toWire(model: unknown, apiVersion?: string, kind?: string): K8sObject {
  const type = getSerializationType(apiVersion, kind);
  return JSON.parse(JSON.stringify(ObjectSerializer.serialize(model, type))) as K8sObject;
}

function wrapError(err: unknown, what: string): never {
  const e = err as { code?: number; body?: unknown; message?: string; cause?: { code?: string } };
  if (typeof e?.code === 'number') {
    let body = e.body as Record<string, unknown> | string | undefined;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as Record<string, unknown>;
      } catch {
        /* plain text body */
      }
    }
    const status = typeof body === 'object' && body ? body : undefined;
    const message = (status?.message as string) ?? (typeof body === 'string' ? body : `HTTP ${e.code}`);
    throw new KubeApiError(`${what}: ${message}`, e.code, (status?.reason as string) ?? '', status);
  }
  const cause = e?.cause?.code ?? '';
  throw new KubeApiError(`${what}: cannot reach the Kubernetes API${cause ? ` (${cause})` : ''}: ${e?.message ?? String(err)}`, 0, 'ConnectionFailed');
}

/** KubeClient over @kubernetes/client-node's generic object API. */
export class ClientNodeKube implements KubeClient {
  private objects: KubernetesObjectApi;

  constructor(private readonly kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  describeTarget(): string {
    return `context ${this.kc.getCurrentContext()} (${this.kc.getCurrentCluster()?.server})`;
  }

  refreshDiscovery(): void {
    // The generic client caches resource lists per apiVersion; a new one sees new CRDs.
    this.objects = KubernetesObjectApi.makeApiClient(this.kc);
  }

  async apply(obj: K8sObject, opts: ApplyOptions): Promise<K8sObject> {
    try {
      const res = await this.objects.patch(obj as KubernetesObject, undefined, opts.dryRun ? 'All' : undefined, opts.fieldManager, opts.force ?? false, PatchStrategy.ServerSideApply);
      return toWire(res, obj.apiVersion, obj.kind);
    } catch (err) {
      wrapError(err, `apply ${obj.kind} ${obj.metadata.name}`);
    }
  }

  async get(ref: ObjectRef): Promise<K8sObject | undefined> {
    try {
      const res = await this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
      return toWire(res, ref.apiVersion, ref.kind);
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      wrapError(err, `get ${ref.kind} ${ref.name}`);
    }
  }

  async list(q: ListQuery): Promise<K8sObject[]> {
    try {
      const res = await this.objects.list(q.apiVersion, q.kind, q.namespace, undefined, undefined, undefined, undefined, q.labelSelector);
      return (res.items ?? []).map((item) => toWire({ apiVersion: q.apiVersion, kind: q.kind, ...item }, q.apiVersion, q.kind));
    } catch (err) {
      if ((err as { code?: number }).code === 404) return [];
      wrapError(err, `list ${q.kind}`);
    }
  }

  async delete(ref: ObjectRef, opts: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; dryRun?: boolean } = {}): Promise<boolean> {
    try {
      await this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }, undefined, opts.dryRun ? 'All' : undefined, undefined, undefined, opts.propagationPolicy ?? 'Background');
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return false;
      wrapError(err, `delete ${ref.kind} ${ref.name}`);
    }
  }
}

/**
 * The in-process client controllers use: the same ApiServer methods HTTP requests reach, so
 * controller writes get resourceVersions, managedFields (manager "kube-controller-manager",
 * "kubelet", ...), admission and validation like any other client's.
 */
import type { K8sObject } from '../../core/object.js';
import type { ApiServer } from '../api.js';
import { ApiError } from '../errors.js';
import type { DeleteOptions } from '../lifecycle.js';
import type { ResourceType } from '../resources.js';
import { selectorToString, type LabelSelector } from '../selectors.js';

export class Client {
  constructor(
    readonly api: ApiServer,
    readonly manager: string,
  ) {}

  rt(apiVersion: string, kind: string): ResourceType | undefined {
    return this.api.registry.byApiVersionKind(apiVersion, kind);
  }

  private must(apiVersion: string, kind: string): ResourceType {
    const rt = this.rt(apiVersion, kind);
    if (!rt) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for ${apiVersion} ${kind}`);
    return rt;
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const rt = this.rt(apiVersion, kind);
    if (!rt) return undefined;
    const o = this.api.store.get(rt.storageKey, rt.namespaced ? namespace : undefined, name);
    return o ? this.api.present(rt, o) : undefined;
  }

  list(apiVersion: string, kind: string, namespace?: string, selector?: string | LabelSelector): K8sObject[] {
    const rt = this.rt(apiVersion, kind);
    if (!rt) return [];
    const labelSelector = typeof selector === 'string' ? selector : selector ? selectorToString(selector) : undefined;
    return this.api.list(rt, namespace, { labelSelector }).items;
  }

  create(o: K8sObject): K8sObject {
    const rt = this.must(o.apiVersion, o.kind);
    return this.api.create(rt, o.metadata.namespace, o, { fieldManager: this.manager });
  }

  /** Creates unless it exists already (controllers race with themselves across timers). */
  ensure(o: K8sObject): K8sObject | undefined {
    const existing = this.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    if (existing) return existing;
    try {
      return this.create(o);
    } catch (e) {
      if (e instanceof ApiError && e.code === 409) return this.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
      throw e;
    }
  }

  update(o: K8sObject): K8sObject {
    const rt = this.must(o.apiVersion, o.kind);
    return this.api.update(rt, o.metadata.namespace, o.metadata.name, o, { fieldManager: this.manager });
  }

  /** A JSON merge patch of the main resource. */
  patch(apiVersion: string, kind: string, namespace: string | undefined, name: string, patch: unknown): K8sObject {
    const rt = this.must(apiVersion, kind);
    return this.api.patch(rt, namespace, name, 'merge', JSON.stringify(patch), { fieldManager: this.manager });
  }

  /** A JSON merge patch of the status subresource (lists such as conditions are replaced whole). */
  patchStatus(o: Pick<K8sObject, 'apiVersion' | 'kind' | 'metadata'>, status: Record<string, unknown>): K8sObject | undefined {
    const rt = this.must(o.apiVersion, o.kind);
    try {
      return this.api.patch(rt, o.metadata.namespace, o.metadata.name, 'merge', JSON.stringify({ status }), { fieldManager: this.manager }, rt.status ? 'status' : undefined);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string, options: DeleteOptions = { propagationPolicy: 'Background' }): void {
    const rt = this.rt(apiVersion, kind);
    if (!rt) return;
    try {
      this.api.delete(rt, namespace, name, options, { fieldManager: this.manager });
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      throw e;
    }
  }
}

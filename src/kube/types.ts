import { UserError } from '../core/errors.js';
import type { K8sObject } from '../core/object.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ApplyOptions {
  fieldManager: string;
  force?: boolean;
  dryRun?: boolean;
}

export interface ListQuery {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json';

/**
 * The thin Kubernetes surface every verb uses (Helm's kube.Interface). The real implementation
 * wraps @kubernetes/client-node (kube/client-node.ts); unit tests use the in-memory FakeKube
 * (kube/fake.ts), end-to-end tests the real client against the API simulator.
 */
export interface KubeClient {
  /** Server-side apply (PATCH application/apply-patch+yaml). */
  apply(obj: K8sObject, opts: ApplyOptions): Promise<K8sObject>;
  get(ref: ObjectRef): Promise<K8sObject | undefined>;
  list(query: ListQuery): Promise<K8sObject[]>;
  /** Returns false when the object was already gone. */
  delete(ref: ObjectRef, opts?: DeleteOptions): Promise<boolean>;
  /** POST: 409 AlreadyExists when the name is taken (the release lock relies on it). */
  create(obj: K8sObject, opts?: { fieldManager?: string }): Promise<K8sObject>;
  /** PUT with metadata.resourceVersion: 409 Conflict when someone wrote in between. */
  update(obj: K8sObject, opts?: { fieldManager?: string }): Promise<K8sObject>;
  /** A merge, strategic-merge or JSON patch; a merge patch carrying metadata.resourceVersion is conditional. */
  patch(ref: ObjectRef, patch: unknown, type: PatchType, opts?: { fieldManager?: string }): Promise<K8sObject>;
  /** Drops cached discovery, e.g. after CRDs were established. */
  refreshDiscovery(): void;
  /** Human description of the target, e.g. "context kind-dev (https://127.0.0.1:6443)". */
  describeTarget(): string;
}

/**
 * A failed API call, carrying the apiserver's Status (reason, code, message), or code 0 when the
 * server was not reached. It is the cluster's answer, not a bug in inferctl: a user error.
 */
export class KubeApiError extends UserError {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    readonly status?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export function refOf(obj: K8sObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
}

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
}

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
  delete(ref: ObjectRef, opts?: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; dryRun?: boolean }): Promise<boolean>;
  /** Drops cached discovery, e.g. after CRDs were established. */
  refreshDiscovery(): void;
  /** Human description of the target, e.g. "context kind-dev (https://127.0.0.1:6443)". */
  describeTarget(): string;
}

/** A failed API call, carrying the apiserver's Status (reason, code, message). */
export class KubeApiError extends Error {
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

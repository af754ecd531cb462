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
 * wraps @kubernetes/client-node; tests run it against the API simulator.
 */
export interface KubeClient {
  /** Server-side apply (PATCH application/apply-patch+yaml). */
  apply(obj: K8sObject, opts: ApplyOptions): Promise<K8sObject>;
  create(obj: K8sObject, opts?: { dryRun?: boolean; fieldManager?: string }): Promise<K8sObject>;
  /** PUT with the object's resourceVersion (optimistic concurrency). */
  replace(obj: K8sObject, opts?: { fieldManager?: string }): Promise<K8sObject>;
  get(ref: ObjectRef): Promise<K8sObject | undefined>;
  list(query: ListQuery): Promise<K8sObject[]>;
  /** Returns false when the object was already gone. */
  delete(ref: ObjectRef, opts?: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; dryRun?: boolean }): Promise<boolean>;
  /** Whether the API server serves this kind at this apiVersion (discovery). */
  isServed(apiVersion: string, kind: string): Promise<boolean>;
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

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 409;
}

export function refOf(obj: K8sObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
}

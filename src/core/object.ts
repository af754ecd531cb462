/** The shape every rendered or stored Kubernetes object has. Fields beyond metadata are free-form. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Group of an apiVersion: "apps/v1" -> "apps", "v1" -> "" (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/** "Deployment.apps", "Service" (core), as kubectl prints group-kinds. */
export function groupKind(obj: Pick<K8sObject, 'apiVersion' | 'kind'>): string {
  const group = groupOf(obj.apiVersion);
  return group ? `${obj.kind}.${group}` : obj.kind;
}

/** A stable identity: group/kind/namespace/name. */
export function objectKey(obj: K8sObject): string {
  return `${groupKind(obj)}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** How a person refers to the object in a message: "Deployment infra/infra-litellm-proxy". */
export function describeObject(obj: Pick<K8sObject, 'kind' | 'metadata'>): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Code-point order: the same on every machine and locale, so output order never depends on ICU. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { K8sObject } from '../core/object.js';

/**
 * 'failed' means the object will not become ready without someone changing something (as far as its
 * status tells); a caller may still keep polling for a grace period, since some causes (a registry
 * outage behind ImagePullBackOff) can clear on their own.
 */
export type ReadyState = 'ready' | 'progressing' | 'failed';

export interface Readiness {
  state: ReadyState;
  /** One line for a person: which object, what it waits for, and why (e.g. the failing Pod). */
  message: string;
  /** e.g. 'Pod infra/infra-litellm-proxy-7d9c-x2x: container litellm: ImagePullBackOff: Back-off pulling image "..."' */
  cause?: string;
}

/** Other objects a rule needs to judge an object (its Pods, its EndpointSlices, the Deployment behind a Pooler...). */
export interface RelatedQuery {
  apiVersion: string;
  kind: string;
  /** Omitted for cluster-scoped kinds. */
  namespace?: string;
  /** Exact name: the answer has at most one object. */
  name?: string;
  /** A map means equality on every key; a string uses kubectl's selector syntax (`a=b,c in (x,y),!d`). */
  labelSelector?: Record<string, string> | string;
  /** The API server's field selector, e.g. `involvedObject.name=x` for a Pod's Events. */
  fieldSelector?: string;
}

export interface ReadinessRule {
  /** e.g. 'apps/Deployment', 'core/Pod', 'postgresql.cnpg.io/Cluster' */
  id: string;
  matches(obj: K8sObject): boolean;
  related?(obj: K8sObject): RelatedQuery[];
  /** Pure, no I/O; related[i] answers related()[i] (an empty list when nothing matched). */
  evaluate(obj: K8sObject, related: K8sObject[][]): Readiness;
}

/** CRDs for the platform controller tests: the real upstream CRDs shipped in the package. */
import type { K8sObject } from '../../src/core/object.js';
import { shippedCrd } from '../helpers/upstream.js';

interface Stub {
  group: string;
  kind: string;
  plural: string;
  version: string;
  scope?: 'Namespaced' | 'Cluster';
}

export const CRDS: Record<string, Stub> = {
  cnpgCluster: { group: 'postgresql.cnpg.io', kind: 'Cluster', plural: 'clusters', version: 'v1' },
  cnpgPooler: { group: 'postgresql.cnpg.io', kind: 'Pooler', plural: 'poolers', version: 'v1' },
  gatewayClass: { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', plural: 'gatewayclasses', version: 'v1', scope: 'Cluster' },
  gateway: { group: 'gateway.networking.k8s.io', kind: 'Gateway', plural: 'gateways', version: 'v1' },
  httpRoute: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', plural: 'httproutes', version: 'v1' },
  knativeServing: { group: 'operator.knative.dev', kind: 'KnativeServing', plural: 'knativeservings', version: 'v1beta1' },
  ksvc: { group: 'serving.knative.dev', kind: 'Service', plural: 'services', version: 'v1' },
  isvc: { group: 'serving.kserve.io', kind: 'InferenceService', plural: 'inferenceservices', version: 'v1beta1' },
  inferencePool: { group: 'inference.networking.k8s.io', kind: 'InferencePool', plural: 'inferencepools', version: 'v1' },
  envoyProxy: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', plural: 'envoyproxies', version: 'v1alpha1' },
};

/** The upstream CRD object for a key of CRDS (a fresh copy). */
export function crd(key: keyof typeof CRDS): K8sObject {
  const s = CRDS[key];
  return shippedCrd(`${s.kind}.${s.group}`);
}

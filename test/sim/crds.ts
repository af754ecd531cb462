/**
 * CRDs for the platform controller tests: the real upstream CRDs from shared/upstream/crds when
 * that folder is present (CI lays it beside the repository), otherwise minimal stand-ins that keep
 * spec and status free-form.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../src/core/object.js';
import { upstreamCrdsDir } from '../../src/validate/paths.js';

interface Stub {
  group: string;
  kind: string;
  plural: string;
  version: string;
  scope?: 'Namespaced' | 'Cluster';
  file: string;
}

export const CRDS: Record<string, Stub> = {
  cnpgCluster: { group: 'postgresql.cnpg.io', kind: 'Cluster', plural: 'clusters', version: 'v1', file: 'cloudnative-pg/postgresql.cnpg.io_clusters.yaml' },
  cnpgPooler: { group: 'postgresql.cnpg.io', kind: 'Pooler', plural: 'poolers', version: 'v1', file: 'cloudnative-pg/postgresql.cnpg.io_poolers.yaml' },
  gatewayClass: { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', plural: 'gatewayclasses', version: 'v1', scope: 'Cluster', file: 'gateway-api/standard/gateway.networking.k8s.io_gatewayclasses.yaml' },
  gateway: { group: 'gateway.networking.k8s.io', kind: 'Gateway', plural: 'gateways', version: 'v1', file: 'gateway-api/standard/gateway.networking.k8s.io_gateways.yaml' },
  httpRoute: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', plural: 'httproutes', version: 'v1', file: 'gateway-api/standard/gateway.networking.k8s.io_httproutes.yaml' },
  knativeServing: { group: 'operator.knative.dev', kind: 'KnativeServing', plural: 'knativeservings', version: 'v1beta1', file: 'knative-operator/operator.knative.dev_knativeservings.yaml' },
  ksvc: { group: 'serving.knative.dev', kind: 'Service', plural: 'services', version: 'v1', file: 'knative-serving/service.yaml' },
  isvc: { group: 'serving.kserve.io', kind: 'InferenceService', plural: 'inferenceservices', version: 'v1beta1', file: 'kserve/serving.kserve.io_inferenceservices.yaml' },
};

function stub(s: Stub): K8sObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${s.plural}.${s.group}` },
    spec: {
      group: s.group,
      scope: s.scope ?? 'Namespaced',
      names: { kind: s.kind, plural: s.plural, singular: s.kind.toLowerCase(), listKind: `${s.kind}List` },
      versions: [
        {
          name: s.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  } as K8sObject;
}

export function usingUpstreamCrds(): boolean {
  try {
    return existsSync(upstreamCrdsDir());
  } catch {
    return false;
  }
}

const parsed = new Map<string, K8sObject>();

/** The CRD object for a key of CRDS: upstream when available, else the stub. Parsed once per process. */
export function crd(key: keyof typeof CRDS): K8sObject {
  const hit = parsed.get(key);
  if (hit) return structuredClone(hit);
  const found = load(key);
  parsed.set(key, found);
  return structuredClone(found);
}

function load(key: keyof typeof CRDS): K8sObject {
  const s = CRDS[key];
  if (usingUpstreamCrds()) {
    const file = join(upstreamCrdsDir(), s.file);
    if (existsSync(file)) {
      const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as K8sObject);
      const found = docs.find((d) => d?.kind === 'CustomResourceDefinition' && (d.spec as any)?.names?.kind === s.kind);
      if (found) return found;
    }
  }
  return stub(s);
}

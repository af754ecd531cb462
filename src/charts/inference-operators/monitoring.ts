import type { K8sObject } from '../../core/object.js';
import { podMonitor, type MonitorSpec, type ScrapeSettings } from '../../monitoring/objects.js';
import { defineGroup } from '../../render/groups.js';
import { commonLabels } from '../../render/labels.js';
import type { RenderedObject } from '../../render/types.js';
import { FOUNDATION, type ComponentKey } from './component.js';
import type { OperatorsConfig } from './config.js';
import { CERT_MANAGER_NAMESPACE } from './components/cert-manager.js';
import { CNPG_NAMESPACE } from './components/cnpg.js';
import { ENVOY_GATEWAY_NAMESPACE } from './components/envoy-gateway.js';
import { KSERVE_NAMESPACE } from './components/kserve.js';

/** The controllers' PodMonitors need only their namespaces; the Prometheus Operator CRDs are checked before install. */
export const monitoringGroup = defineGroup<OperatorsConfig>({
  name: 'monitoring',
  description: "PodMonitors of the operators' controllers (and the token KServe's kube-rbac-proxy asks for)",
  after: FOUNDATION,
});

const SOURCE = 'inference-operators/monitoring';

/**
 * What each controller serves, read in the pinned upstream manifests (upstream/install/):
 * - cert-manager v1.17.0: controller container port http-metrics 9402, /metrics.
 * - CloudNativePG 1.30.0: operator container port metrics 8080; its instance and pooler pods share
 *   the app.kubernetes.io/name label, so cnpg.io/podRole (which only they carry) is excluded.
 * - Envoy Gateway v1.9.0: controller container port metrics 19001, /metrics.
 * - KServe v0.20.0: the manager binds 127.0.0.1:8080 behind kube-rbac-proxy on https 8443, which
 *   admits a bearer token allowed to GET the non-resource URL /metrics (see kserveReader).
 * Not scraped: the Knative Operator (no metrics in the catalogs), KEDA (its pinned install runs with
 * --enable-prometheus-metrics=false) and Envoy AI Gateway.
 */
const MONITORS: Partial<Record<ComponentKey, (release: string) => Omit<MonitorSpec, 'labels'>>> = {
  'cert-manager': (release) => ({
    name: `${release}-cert-manager`,
    namespace: CERT_MANAGER_NAMESPACE,
    matchLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
    endpoints: [{ port: 'http-metrics', path: '/metrics' }],
  }),
  'cloudnative-pg': (release) => ({
    name: `${release}-cnpg-operator`,
    namespace: CNPG_NAMESPACE,
    matchLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
    matchExpressions: [{ key: 'cnpg.io/podRole', operator: 'DoesNotExist' }],
    endpoints: [{ port: 'metrics', path: '/metrics' }],
  }),
  'envoy-gateway': (release) => ({
    name: `${release}-envoy-gateway`,
    namespace: ENVOY_GATEWAY_NAMESPACE,
    matchLabels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm' },
    endpoints: [{ port: 'metrics', path: '/metrics' }],
  }),
  kserve: (release) => ({
    name: `${release}-kserve-controller`,
    namespace: KSERVE_NAMESPACE,
    matchLabels: { 'control-plane': 'kserve-controller-manager', 'app.kubernetes.io/name': 'kserve-controller-manager' },
    // kube-rbac-proxy serves a self-signed certificate (no --tls-cert-file in the pinned manifest).
    endpoints: [{ port: 'https', path: '/metrics', scheme: 'https', bearerSecret: { name: readerName(release), key: 'token' }, insecureSkipVerify: true }],
  }),
};

function readerName(release: string): string {
  return `${release}-kserve-metrics-reader`;
}

/**
 * The identity Prometheus presents to KServe's kube-rbac-proxy: a ServiceAccount allowed to GET
 * /metrics and a long-lived token Secret for it, in the PodMonitor's namespace (a PodMonitor reads
 * Secrets only from its own namespace). The token controller fills the Secret; nothing is rendered.
 */
function kserveReader(release: string, labels: Record<string, string>): K8sObject[] {
  const name = readerName(release);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: KSERVE_NAMESPACE, labels } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: KSERVE_NAMESPACE, labels, annotations: { 'kubernetes.io/service-account.name': name } },
      type: 'kubernetes.io/service-account-token',
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: KSERVE_NAMESPACE }],
    },
  ];
}

/** The operators' PodMonitors (monitoring.enabled), for the components this release installs. */
export function renderOperatorMonitoring(config: OperatorsConfig, active: readonly ComponentKey[]): RenderedObject[] {
  const m = config.values.monitoring;
  if (!m.enabled) return [];
  const scrape: ScrapeSettings = { labels: m.labels, interval: m.interval };
  const objects: K8sObject[] = [];
  for (const key of active) {
    const spec = MONITORS[key]?.(config.release);
    if (!spec) continue;
    const labels = commonLabels('monitoring', config.release, config.chart, key);
    if (key === 'kserve') objects.push(...kserveReader(config.release, labels));
    objects.push(podMonitor({ ...spec, labels }, scrape));
  }
  return objects.map((object) => ({ object, group: monitoringGroup, source: SOURCE }));
}

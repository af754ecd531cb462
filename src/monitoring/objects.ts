/**
 * The Kubernetes objects monitoring renders, shared by the three charts: Prometheus Operator
 * ServiceMonitors, PodMonitors and PrometheusRules (monitoring.coreos.com/v1, CRDs pinned at
 * v0.93.1 in upstream/crds/prometheus-operator/), and Grafana dashboards as ConfigMaps for the
 * Grafana sidecar (label grafana_dashboard: "1", folder annotation grafana_folder).
 */
import type { K8sObject } from '../core/object.js';
import type { RequiredApi } from '../render/types.js';
import type { RuleGroup } from './alerts.js';

export const MONITORING_API = 'monitoring.coreos.com/v1';

/** The Prometheus Operator kinds the charts render, with their CRD names. */
export const MONITORING_CRDS = {
  ServiceMonitor: 'servicemonitors.monitoring.coreos.com',
  PodMonitor: 'podmonitors.monitoring.coreos.com',
  PrometheusRule: 'prometheusrules.monitoring.coreos.com',
} as const;

/** The Prometheus Operator release whose CRDs inferctl validates against (upstream/SOURCES.md). */
export const PROMETHEUS_OPERATOR_VERSION = 'v0.93.1';

/** The label the Grafana sidecar (kube-prometheus-stack's default) selects dashboards by. */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';
/** The annotation the original charts used for the dashboard folder (sidecar folderAnnotation). */
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';

/** What every scrape object of a chart carries: the user's selector labels and the scrape interval. */
export interface ScrapeSettings {
  labels: Record<string, string>;
  interval: string;
}

export interface ScrapeEndpoint {
  /** Port name on the Service (ServiceMonitor) or container (PodMonitor). */
  port?: string;
  /** Container port number, for containers whose port has no name (PodMonitor only). */
  portNumber?: number;
  path: string;
  scheme?: 'http' | 'https';
  interval?: string;
  scrapeTimeout?: string;
  /** Bearer token from a Secret key in the monitor's namespace. */
  bearerSecret?: { name: string; key: string };
  /** Skip verifying the target's certificate (self-signed kube-rbac-proxy). */
  insecureSkipVerify?: boolean;
}

export interface MonitorSpec {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** matchLabels of the Services (ServiceMonitor) or Pods (PodMonitor) to scrape. */
  matchLabels: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
  /** Namespaces to look in; default: the monitor's own. */
  namespaces?: string[];
  endpoints: ScrapeEndpoint[];
}

function endpoint(e: ScrapeEndpoint, interval: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (e.port) out.port = e.port;
  if (e.portNumber) out.portNumber = e.portNumber;
  out.path = e.path;
  out.scheme = e.scheme ?? 'http';
  out.interval = e.interval ?? interval;
  if (e.scrapeTimeout) out.scrapeTimeout = e.scrapeTimeout;
  if (e.bearerSecret) out.authorization = { type: 'Bearer', credentials: { name: e.bearerSecret.name, key: e.bearerSecret.key } };
  if (e.insecureSkipVerify) out.tlsConfig = { insecureSkipVerify: true };
  return out;
}

function monitor(kind: 'ServiceMonitor' | 'PodMonitor', spec: MonitorSpec, settings: ScrapeSettings): K8sObject {
  const selector: Record<string, unknown> = { matchLabels: spec.matchLabels };
  if (spec.matchExpressions?.length) selector.matchExpressions = spec.matchExpressions;
  const body: Record<string, unknown> = {
    selector,
    // Without it Prometheus looks in every namespace it may read; the monitor names exactly where its targets are.
    namespaceSelector: { matchNames: spec.namespaces ?? [spec.namespace] },
    [kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints']: spec.endpoints.map((e) => endpoint(e, settings.interval)),
  };
  return {
    apiVersion: MONITORING_API,
    kind,
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels, ...settings.labels } },
    spec: body,
  };
}

export function serviceMonitor(spec: MonitorSpec, settings: ScrapeSettings): K8sObject {
  return monitor('ServiceMonitor', spec, settings);
}

export function podMonitor(spec: MonitorSpec, settings: ScrapeSettings): K8sObject {
  return monitor('PodMonitor', spec, settings);
}

export function prometheusRule(name: string, namespace: string, labels: Record<string, string>, settings: ScrapeSettings, groups: RuleGroup[]): K8sObject {
  return {
    apiVersion: MONITORING_API,
    kind: 'PrometheusRule',
    metadata: { name, namespace, labels: { ...labels, ...settings.labels } },
    spec: { groups },
  };
}

/** A Grafana dashboard for the sidecar: one JSON file in a ConfigMap, in the given folder. */
export function dashboardConfigMap(name: string, namespace: string, labels: Record<string, string>, folder: string, model: Record<string, unknown>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: { ...labels, [GRAFANA_DASHBOARD_LABEL]: '1' },
      annotations: { [GRAFANA_FOLDER_ANNOTATION]: folder },
    },
    data: { [`${name}.json`]: JSON.stringify(model, null, 1) },
  };
}

/**
 * The Prometheus Operator CRDs these objects need, for install's preflight: without them the apply
 * would retry "no matches for kind" until the timeout. `why` names the values that asked for them.
 */
export function requiredMonitoringApis(objects: readonly K8sObject[], why: string): RequiredApi[] {
  const kinds = new Set(objects.filter((o) => o.apiVersion === MONITORING_API).map((o) => o.kind));
  return (Object.keys(MONITORING_CRDS) as (keyof typeof MONITORING_CRDS)[])
    .filter((kind) => kinds.has(kind))
    .map((kind) => ({
      apiVersion: MONITORING_API,
      kind,
      crd: MONITORING_CRDS[kind],
      why,
      fix:
        `install the Prometheus Operator (kube-prometheus-stack brings it with its CRDs), or only the CRD: ` +
        `kubectl apply --server-side -f https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/${PROMETHEUS_OPERATOR_VERSION}/example/prometheus-operator-crd/monitoring.coreos.com_${MONITORING_CRDS[kind].split('.')[0]}.yaml`,
    }));
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** A Prometheus duration (30s, 1m30s, 500ms) in milliseconds; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (text === '0') return 0;
  const m = DURATION.exec(text);
  if (!m || !text) return undefined;
  return m.slice(1).reduce((sum, part, i) => sum + (part ? Number(part) * UNIT_MS[i] : 0), 0);
}

/** The pattern the Prometheus Operator CRDs put on durations, for the values schemas. */
export const DURATION_PATTERN = '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$';

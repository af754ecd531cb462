import type { K8sObject } from '../../../core/object.js';
import { infrastructureAlerts } from '../../../monitoring/alerts.js';
import { dataPathDashboard } from '../../../monitoring/dashboards/data-path.js';
import { platformOverviewDashboard } from '../../../monitoring/dashboards/platform.js';
import { dashboardConfigMap, podMonitor, prometheusRule, serviceMonitor } from '../../../monitoring/objects.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels, selectorLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import { connectionBudgets } from '../capacity.js';
import { bundledSentinel, type InfraConfig } from '../config.js';
import { LITELLM_METRICS_PATH } from './litellm-metrics.js';

/** Where Envoy Gateway runs its proxies when no operators release says otherwise (EG's controller namespace). */
const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
/** Envoy Gateway v1.9.0 proxy pods: EnvoyAppLabel() plus the owning-Gateway labels (internal/gatewayapi/helpers.go). */
const ENVOY_PROXY_LABELS = { 'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy' };
/** Envoy's admin stats port (bootstrap.EnvoyStatsPort 19001, container port "metrics"). */
const ENVOY_STATS_PATH = '/stats/prometheus';

/** Scrape objects, dashboards and rules need nothing of the release: they go in together, first. */
export const monitoringGroup = defineGroup<InfraConfig>({ name: 'monitoring', description: 'ServiceMonitor, PodMonitors, PrometheusRule and Grafana dashboard ConfigMaps' });

const SOURCE = 'inference-infrastructure/monitoring';

/** The `job` label Prometheus Operator gives a PodMonitor's targets: <namespace>/<name>. */
function podMonitorJob(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function renderMonitoring(config: InfraConfig): RenderedObject[] {
  const { monitoring: m, values, names, namespace, release, chart } = config;
  const budgets = connectionBudgets(config);
  const labels = (component: string) => commonLabels('monitoring', release, chart, component);
  const objects: K8sObject[] = [];
  const gateway = values['networking-layer'].enabled && values['networking-layer'].envoyGateway.enabled;
  const envoyMonitor = `${release}-gateway-envoy`;

  if (m.litellm) {
    objects.push(
      serviceMonitor(
        {
          name: names.litellm,
          namespace,
          labels: labels('litellm-proxy'),
          matchLabels: selectorLabels('litellm-proxy', release, 'metrics'),
          endpoints: [{ port: 'metrics', path: LITELLM_METRICS_PATH, interval: m.litellm.interval, scrapeTimeout: m.litellm.scrapeTimeout }],
        },
        m.scrape,
      ),
    );
  }
  if (m.all) {
    if (values.postgresql.enabled) {
      // CNPG 1.30 deprecates its own enablePodMonitor; its docs show this PodMonitor instead.
      objects.push(podMonitor({ name: `${release}-postgresql`, namespace, labels: labels('postgresql'), matchLabels: { 'cnpg.io/cluster': names.cluster, 'cnpg.io/podRole': 'instance' }, endpoints: [{ port: 'metrics', path: '/metrics' }] }, m.scrape));
      if (names.poolers.length) {
        objects.push(podMonitor({ name: `${release}-postgresql-poolers`, namespace, labels: labels('pooler'), matchLabels: { 'cnpg.io/cluster': names.cluster, 'cnpg.io/podRole': 'pooler' }, endpoints: [{ port: 'metrics', path: '/metrics' }] }, m.scrape));
      }
    }
    if (values.valkey.enabled) {
      objects.push(podMonitor({ name: `${release}-valkey`, namespace, labels: labels('valkey'), matchLabels: selectorLabels('valkey', release), endpoints: [{ port: 'metrics', path: '/metrics' }] }, m.scrape));
    }
    if (gateway) {
      // The proxies run in Envoy Gateway's namespace, not the Gateway's; the labels pick this Gateway's.
      const egNamespace = config.operators.exports.envoyGatewayNamespace ?? ENVOY_GATEWAY_NAMESPACE;
      objects.push(
        podMonitor(
          {
            name: envoyMonitor,
            namespace,
            labels: labels('gateway'),
            matchLabels: { ...ENVOY_PROXY_LABELS, 'gateway.envoyproxy.io/owning-gateway-name': names.gateway, 'gateway.envoyproxy.io/owning-gateway-namespace': namespace },
            namespaces: [egNamespace],
            endpoints: [{ port: 'metrics', path: ENVOY_STATS_PATH }],
          },
          m.scrape,
        ),
      );
    }
    const sentinel = bundledSentinel(values);
    const dataPath = {
      uid: `${release}-${namespace}-data-path`.slice(0, 40),
      release,
      namespace,
      cluster: values.postgresql.enabled ? names.cluster : undefined,
      poolers: budgets.poolers.map((p) => ({ name: p.name, clientBudget: p.clientBudget, serverBudget: p.serverBudget })),
      maxConnections: budgets.postgres?.maxConnections ?? 0,
      valkeyDeployments: values.valkey.enabled && !sentinel ? [names.valkeyPrimary, ...(values.valkey.replica.replicaCount > 0 ? [names.valkeyReplica] : [])] : undefined,
      valkeyStatefulSet: sentinel ? names.valkeyNodes : undefined,
    };
    if (dataPath.cluster || dataPath.valkeyDeployments || dataPath.valkeyStatefulSet) {
      objects.push(dashboardConfigMap(`${release}-dashboard-data-path`, namespace, labels('dashboard'), m.folder, dataPathDashboard(dataPath)));
    }
    const lp = values['litellm-proxy'];
    const groups = infrastructureAlerts({
      ...dataPath,
      litellmService: lp.enabled ? names.litellmMetrics : undefined,
      litellmDeployment: names.litellm,
      migrationJob: lp.enabled && lp.migrationJob.enabled ? names.migrationJob : undefined,
      valkeyReplicas: values.valkey.replica.replicaCount,
    });
    if (groups.length) objects.push(prometheusRule(`${release}-alerts`, namespace, labels('alerts'), m.scrape, groups));
  }
  if (m.overviewDashboard) {
    const overview = platformOverviewDashboard({
      uid: `${release}-${namespace}-overview`.slice(0, 40),
      release,
      namespace,
      service: names.litellmMetrics,
      gatewayJob: m.all && gateway ? podMonitorJob(namespace, envoyMonitor) : undefined,
    });
    // The original chart's name for its LiteLLM dashboard ConfigMap.
    objects.push(dashboardConfigMap(`${names.litellm}-dashboard-litellm`, namespace, labels('dashboard'), m.folder, overview));
  }
  return objects.map((object) => ({ object, group: monitoringGroup, source: SOURCE }));
}

export const monitoring: Component<InfraConfig> = { groups: [monitoringGroup], render: renderMonitoring };

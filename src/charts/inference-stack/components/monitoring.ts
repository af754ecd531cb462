import type { K8sObject } from '../../../core/object.js';
import { stackAlerts } from '../../../monitoring/alerts.js';
import { modelsDashboard } from '../../../monitoring/dashboards/models.js';
import { dashboardConfigMap, podMonitor, prometheusRule, serviceMonitor, type ScrapeSettings } from '../../../monitoring/objects.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels, selectorLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import type { ResolvedModel, StackConfig } from '../config.js';
import { MODEL_PORT } from '../runtimes/runtime.js';

/** Scrape objects, the dashboard and the rules need nothing of the release: they go in together, first. */
export const monitoringGroup = defineGroup<StackConfig>({ name: 'monitoring', description: 'PodMonitor of the model servers, ServiceMonitor of the endpoint pickers, PrometheusRule and the models dashboard' });

const SOURCE = 'inference-stack/monitoring';
/** Labels KServe puts on every predictor pod, Standard and Knative alike (the InferencePool selects by them too). */
const ISVC_LABEL = 'serving.kserve.io/inferenceservice';

/**
 * The model servers' PodMonitors: models grouped by their runtime's metrics path, because every
 * endpoint of a PodMonitor is scraped on every pod it selects. KServe's container port is unnamed,
 * so the endpoint names its number. Runtimes without metrics (Ollama) are not selected at all.
 */
function modelMonitors(config: StackConfig, scrape: ScrapeSettings): K8sObject[] {
  const byPath = new Map<string, ResolvedModel[]>();
  for (const m of config.models) {
    const path = m.runtime.capabilities.metricsPath;
    if (path) byPath.set(path, [...(byPath.get(path) ?? []), m]);
  }
  const labels = commonLabels('monitoring', config.release, config.chart, 'models');
  return [...byPath.entries()].map(([path, models], i) =>
    podMonitor(
      {
        name: byPath.size === 1 ? `${config.release}-models` : `${config.release}-models-${i + 1}`,
        namespace: config.namespace,
        labels,
        matchLabels: { component: 'predictor' },
        matchExpressions: [{ key: ISVC_LABEL, operator: 'In', values: models.map((m) => m.isvc) }],
        endpoints: [{ portNumber: MODEL_PORT, path }],
      },
      scrape,
    ),
  );
}

function renderMonitoring(config: StackConfig): RenderedObject[] {
  const { values, release, namespace, chart, models } = config;
  const m = values.monitoring;
  if (!m.enabled) return [];
  const scrape: ScrapeSettings = { labels: m.labels, interval: m.interval };
  const labels = (component: string) => commonLabels('monitoring', release, chart, component);
  const objects: K8sObject[] = modelMonitors(config, scrape);
  if (models.some((x) => x.pool)) {
    // Our pickers run with --metrics-endpoint-auth=false, so the scrape needs no token.
    objects.push(
      serviceMonitor(
        { name: `${release}-endpoint-pickers`, namespace, labels: labels('endpoint-picker'), matchLabels: selectorLabels('endpoint-picker', release), endpoints: [{ port: 'http-metrics', path: '/metrics' }] },
        scrape,
      ),
    );
  }
  if (models.length) {
    const dashboard = modelsDashboard({
      uid: `${release}-${namespace}-models`.slice(0, 40),
      release,
      namespace,
      models: models.map((x) => ({ servedModelName: x.servedModelName, runtime: x.runtime.name, isvc: x.isvc, pool: x.pool?.name })),
    });
    objects.push(dashboardConfigMap(`${release}-dashboard-models`, namespace, labels('dashboard'), m.grafanaFolder, dashboard));
  }
  const groups = stackAlerts({
    release,
    namespace,
    waitingThreshold: m.requestsWaitingThreshold,
    models: models.map((x) => ({ servedModelName: x.servedModelName, runtime: x.runtime.name, isvc: x.isvc, knative: x.knative, scalesToZero: x.knative && x.minReplicas === 0 })),
  });
  if (groups.length) objects.push(prometheusRule(`${release}-alerts`, namespace, labels('alerts'), scrape, groups));
  return objects.map((object) => ({ object, group: monitoringGroup, source: SOURCE }));
}

export const monitoring: Component<StackConfig> = { groups: [monitoringGroup], render: renderMonitoring };

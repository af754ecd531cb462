import type { K8sObject } from '../../../core/object.js';
import { selectorLabels } from '../../../render/labels.js';
import type { InfraConfig } from '../config.js';
import { litellmLabels } from './litellm-common.js';

/**
 * How LiteLLM is scraped (litellm-proxy.serviceMonitor.enabled or monitoring.enabled).
 *
 * /metrics on the proxy port needs a LiteLLM key since v1.85 (require_auth_for_metrics_endpoint
 * unset), and that port is what the Gateway routes to the outside. Instead of giving Prometheus the
 * master key, or turning auth off on a port the Gateway exposes, the proxy serves its metrics from
 * the dedicated process LiteLLM v1.101+ starts with --prometheus_metrics_port (PR #39889: same
 * metrics, no key auth, off the inference workers' event loop). That port is only on a ClusterIP
 * Service of its own, which no route references; /metrics on port 4000 keeps requiring a key.
 */
export const LITELLM_METRICS_PORT = 4001;
/** The dedicated server mounts its app at /metrics, so /metrics answers with a redirect to this. */
export const LITELLM_METRICS_PATH = '/metrics/';
/** Where the workers write their samples for the metrics process to aggregate (inside the /tmp emptyDir). */
export const PROMETHEUS_MULTIPROC_DIR = '/tmp/prometheus-multiproc';

export function litellmScraped(config: InfraConfig): boolean {
  return config.monitoring.litellm !== undefined;
}

/** litellm_settings with the prometheus callback added to whatever callbacks the user configured. */
export function withPrometheusCallback(settings: Record<string, unknown>): Record<string, unknown> {
  const callbacks = Array.isArray(settings.callbacks) ? settings.callbacks : settings.callbacks ? [settings.callbacks] : [];
  return callbacks.includes('prometheus') ? settings : { ...settings, callbacks: [...callbacks, 'prometheus'] };
}

export function litellmMetricsArgs(): string[] {
  return ['--prometheus_metrics_port', String(LITELLM_METRICS_PORT)];
}

export function litellmMetricsEnv(): Record<string, unknown>[] {
  // Set explicitly: the metrics process reads the workers' samples from here, and launch.py empties
  // it at start so a restarted container does not add the previous one's counters.
  return [{ name: 'PROMETHEUS_MULTIPROC_DIR', value: PROMETHEUS_MULTIPROC_DIR }];
}

export function litellmMetricsContainerPort(): Record<string, unknown> {
  return { name: 'metrics', containerPort: LITELLM_METRICS_PORT, protocol: 'TCP' };
}

/** The metrics Service: ClusterIP whatever litellm-proxy.service.type is, so a LoadBalancer never exposes it. */
export function litellmMetricsService(config: InfraConfig): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: config.names.litellmMetrics, namespace: config.namespace, labels: litellmLabels(config, 'metrics') },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels('litellm-proxy', config.release, 'proxy'),
      ports: [{ name: 'metrics', port: LITELLM_METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' }],
    },
  };
}

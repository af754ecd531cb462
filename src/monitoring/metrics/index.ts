/**
 * Every metric catalog, one per component at the version inferctl pins. Dashboards and alert rules
 * (issue 11) check the metric names they use against `allMetricCatalogs`.
 */
import type { MetricCatalog, MetricDef } from './types.js';
import { vllmMetrics } from './vllm.js';
import { sglangMetrics } from './sglang.js';
import { llamacppMetrics } from './llamacpp.js';
import { ollamaMetrics } from './ollama.js';
import { litellmMetrics } from './litellm.js';
import { endpointPickerMetrics } from './endpoint-picker.js';
import { envoyProxyMetrics, envoyGatewayControllerMetrics } from './envoy.js';
import { envoyAiGatewayMetrics } from './envoy-ai-gateway.js';
import { valkeyExporterMetrics } from './valkey-exporter.js';
import { cnpgPostgresMetrics, cnpgPgbouncerMetrics } from './cnpg.js';
import { controllerRuntimeMetrics, kedaMetrics, certManagerMetrics, knativeMetrics } from './operators.js';
import { kubeStateMetrics } from './kube-state-metrics.js';

export type { MetricCatalog, MetricDef, MetricType, Confidence, ScrapeEndpoint, AbsentMetric } from './types.js';
export { exposedSeries } from './types.js';
export {
  vllmMetrics,
  sglangMetrics,
  llamacppMetrics,
  ollamaMetrics,
  litellmMetrics,
  endpointPickerMetrics,
  envoyProxyMetrics,
  envoyGatewayControllerMetrics,
  envoyAiGatewayMetrics,
  valkeyExporterMetrics,
  cnpgPostgresMetrics,
  cnpgPgbouncerMetrics,
  controllerRuntimeMetrics,
  kedaMetrics,
  certManagerMetrics,
  knativeMetrics,
  kubeStateMetrics,
};

export const allMetricCatalogs: readonly MetricCatalog[] = [
  vllmMetrics,
  sglangMetrics,
  llamacppMetrics,
  ollamaMetrics,
  litellmMetrics,
  endpointPickerMetrics,
  envoyProxyMetrics,
  envoyGatewayControllerMetrics,
  envoyAiGatewayMetrics,
  valkeyExporterMetrics,
  cnpgPostgresMetrics,
  cnpgPgbouncerMetrics,
  controllerRuntimeMetrics,
  kedaMetrics,
  certManagerMetrics,
  knativeMetrics,
  kubeStateMetrics,
];

/** The catalog and definition of a metric name (base name for histograms), if any component exposes it. */
export function findMetric(name: string): { catalog: MetricCatalog; metric: MetricDef } | undefined {
  for (const catalog of allMetricCatalogs) {
    const metric = catalog.metrics.find((m) => m.name === name);
    if (metric) return { catalog, metric };
  }
  return undefined;
}

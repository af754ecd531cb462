import type { MetricCatalog } from './types.js';

/** Ollama 0.32.15 (image docker.io/ollama/ollama:0.32.15): no Prometheus endpoint. */
export const ollamaMetrics: MetricCatalog = {
  component: 'Ollama',
  version: '0.32.15',
  source:
    'ollama/ollama@v0.32.15 (commit b7871fc0d1d82fe109536efa3e0e8e411c766c75): no "/metrics" route in server/routes.go, no prometheus/client_golang or OTel exporter in go.mod, no OLLAMA_METRICS in envconfig; ' +
    'feature request https://github.com/ollama/ollama/issues/3144 (open); PR https://github.com/ollama/ollama/pull/18508 "serve Prometheus metrics at /metrics when OLLAMA_METRICS is set" (open as of 2026-09-19)',
  confidence: 'verified',
  counterTotalSuffix: 'none',
  note:
    'Ollama exposes no Prometheus metrics at 0.32.15. The `metrics` objects in its API responses (server/routes.go api.Metrics) are per-response timings, not a scrape endpoint. ' +
    'Monitoring of Ollama models is limited to kube-state-metrics (replicas, restarts) and the gateway/LiteLLM metrics for the requests that reach them. Revisit if PR #18508 lands in a later release.',
  metrics: [],
};

import type { MetricCatalog } from './types.js';

const REQ = ['model_name', 'target_model_name', 'fairness_id', 'priority'] as const;
const POOL = ['name'] as const;
const LEGACY_MODEL = ['model_name', 'target_model_name'] as const;
const PLUGIN = ['plugin_name', 'plugin_type'] as const;

/**
 * The endpoint picker (EPP) of llm-d-router v0.10.0 (image ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0),
 * derived from the Gateway API Inference Extension EPP. Go client_golang via the controller-runtime registry.
 */
export const endpointPickerMetrics: MetricCatalog = {
  component: 'Endpoint picker (llm-d-router EPP)',
  version: 'v0.10.0',
  source:
    'llm-d/llm-d-router@v0.10.0 (commit 71f4f0999f95b96c49a9d0c4afbd18dfdb943c26): pkg/epp/metrics/llm_d_router_metrics.go (current llm_d_epp_* names), pkg/epp/metrics/metrics.go (deprecated GIE-era names, still dual-emitted), docs/metrics.md, pkg/epp/server/options.go (MetricsPort 9090, MetricsEndpointAuth true), cmd/epp/runner/runner.go, config/charts/routerlib/templates/_rbac.yaml',
  endpoint: {
    port: 9090,
    path: '/metrics',
    scheme: 'http',
    auth: 'on by default (--metrics-endpoint-auth=true): controller-runtime authn/authz filter, the scraper must send a ServiceAccount bearer token whose identity may `get` the non-resource URL /metrics (ClusterRole nonResourceURLs: ["/metrics"]); the EPP itself needs create on tokenreviews and subjectaccessreviews. HTTPS only with --metrics-cert-dir.',
  },
  confidence: 'verified',
  counterTotalSuffix: 'as-registered',
  note:
    'Since v0.10.0 the canonical prefix is llm_d_epp_ (llm_d_router_epp_ for the embedded kv-cache index). The GIE-era prefixes inference_objective_, inference_pool_, inference_extension_ and llm_d_inference_scheduler_ are deprecated but still emitted ("dual emission"), so dashboards written for GIE keep working; prefer the llm_d_epp_ names in new panels and alerts. ' +
    'model_name/target_model_name/fairness_id values are capped at 1000 distinct values (then "other"). The per-model-server metrics the EPP scrapes (vllm:*, sglang:*) are not re-exported; scrape the model pods for them.',
  metrics: [
    { name: 'llm_d_epp_request_total', type: 'counter', help: 'Requests handled, per model and target model.', labels: REQ },
    { name: 'llm_d_epp_request_error_total', type: 'counter', help: 'Errored requests.', labels: [...REQ, 'error_code'] },
    { name: 'llm_d_epp_request_duration_seconds', type: 'histogram', help: 'End-to-end request latency, seconds.', labels: REQ },
    { name: 'llm_d_epp_request_size_bytes', type: 'histogram', help: 'Request body size.', labels: REQ },
    { name: 'llm_d_epp_response_size_bytes', type: 'histogram', help: 'Response body size.', labels: REQ },
    { name: 'llm_d_epp_request_input_tokens', type: 'histogram', help: 'Input tokens per request.', labels: REQ },
    { name: 'llm_d_epp_request_output_tokens', type: 'histogram', help: 'Output tokens per request.', labels: REQ },
    { name: 'llm_d_epp_request_cached_tokens', type: 'histogram', help: 'Prompt tokens served from cache per request.', labels: REQ },
    { name: 'llm_d_epp_request_running', type: 'gauge', help: 'Requests in flight.', labels: REQ },
    { name: 'llm_d_epp_request_ntpot_seconds', type: 'histogram', help: 'Normalized time per output token, seconds.', labels: REQ },
    { name: 'llm_d_epp_request_ttft_seconds', type: 'histogram', help: 'Time to first token, seconds.', labels: [...REQ, 'streaming'] },
    { name: 'llm_d_epp_request_streaming_tpot_seconds', type: 'histogram', help: 'Time per output token of streamed responses, seconds.', labels: REQ },
    { name: 'llm_d_epp_request_streaming_itl_seconds', type: 'histogram', help: 'Inter-token latency of streamed responses, seconds.', labels: REQ },
    { name: 'llm_d_epp_average_kv_cache_utilization', type: 'gauge', help: 'Mean KV-cache utilization across the pool (0 to 1).', labels: POOL },
    { name: 'llm_d_epp_average_queue_size', type: 'gauge', help: 'Mean model-server queue depth across the pool.', labels: POOL },
    { name: 'llm_d_epp_average_running_requests', type: 'gauge', help: 'Mean running requests across the pool.', labels: POOL },
    { name: 'llm_d_epp_std_dev_kv_cache_utilization', type: 'gauge', help: 'Spread of KV-cache utilization across the pool.', labels: POOL },
    { name: 'llm_d_epp_std_dev_queue_size', type: 'gauge', help: 'Spread of queue depth across the pool.', labels: POOL },
    { name: 'llm_d_epp_ready_endpoints', type: 'gauge', help: 'Ready endpoints (model-server pods) in the pool.', labels: POOL },
    { name: 'llm_d_epp_per_endpoint_queue_size', type: 'gauge', help: 'Queue depth per endpoint.', labels: ['name', 'model_server_endpoint'], confidence: 'documented' },
    { name: 'llm_d_epp_scheduler_e2e_duration_seconds', type: 'histogram', help: 'End-to-end scheduling latency, seconds.', labels: [] },
    { name: 'llm_d_epp_scheduler_attempts_total', type: 'counter', help: 'Scheduling attempts by status (success/failure) and chosen endpoint.', labels: ['status', 'target_model_name', 'endpoint_name', 'namespace', 'port'] },
    { name: 'llm_d_epp_plugin_duration_seconds', type: 'histogram', help: 'Per-plugin execution time, seconds.', labels: ['extension_point', 'plugin_type', 'plugin_name'] },
    { name: 'llm_d_epp_request_processing_duration_seconds', type: 'histogram', help: 'EPP time from request receipt to body handled (includes flow-control queueing).', labels: [] },
    { name: 'llm_d_epp_response_processing_duration_seconds', type: 'histogram', help: 'EPP time spent handling the response.', labels: [] },
    { name: 'llm_d_epp_info', type: 'gauge', help: 'Build info (1).', labels: ['commit', 'build_ref'] },
    { name: 'llm_d_epp_model_rewrite_decisions_total', type: 'counter', help: 'Model-rewrite decisions.', labels: ['model_rewrite_name', 'model_name', 'target_model'] },
    { name: 'llm_d_epp_datalayer_poll_errors_total', type: 'counter', help: 'Failures polling model-server metrics (scrape path, port, TLS, auth problems show here).', labels: ['source_type'] },
    { name: 'llm_d_epp_datalayer_extract_errors_total', type: 'counter', help: 'Failures extracting metrics from a model-server scrape.', labels: ['source_type', 'extractor_type'] },
    { name: 'llm_d_epp_prefix_indexer_size', type: 'gauge', help: 'Entries in the approximate prefix index.', labels: PLUGIN, condition: 'approximate prefix-cache plugin configured', confidence: 'documented' },
    { name: 'llm_d_epp_prefix_indexer_hit_ratio', type: 'histogram', help: 'Prefix-match hit ratio per lookup.', labels: PLUGIN, condition: 'approximate prefix-cache plugin configured', confidence: 'documented' },
    { name: 'llm_d_epp_prefix_indexer_hit_bytes', type: 'histogram', help: 'Bytes matched per lookup.', labels: PLUGIN, condition: 'approximate prefix-cache plugin configured', confidence: 'documented' },
    { name: 'llm_d_epp_flow_control_queue_size', type: 'gauge', help: 'Requests held in the flow-control queue.', labels: ['fairness_id', 'priority', 'inference_pool', 'model_name', 'target_model_name'], condition: 'flowControl feature gate' },
    { name: 'llm_d_epp_flow_control_pool_saturation', type: 'gauge', help: 'Pool saturation signal (1.0 = gating set point).', labels: ['inference_pool'], condition: 'flowControl feature gate' },
    { name: 'llm_d_epp_flow_control_requests_total', type: 'counter', help: 'Flow-control outcomes (Dispatched, RejectedCapacity, RejectedNoEndpoints, EvictedTTL, ...).', labels: ['outcome', 'priority', 'inference_pool'], condition: 'flowControl feature gate' },
    { name: 'llm_d_epp_flow_control_request_queue_duration_seconds', type: 'histogram', help: 'Time in flow control from enqueue to outcome, seconds.', labels: ['fairness_id', 'priority', 'outcome', 'inference_pool', 'model_name', 'target_model_name'], condition: 'flowControl feature gate' },
    { name: 'llm_d_router_epp_kv_cache_index_lookup_requests_total', type: 'counter', help: 'Precise prefix-cache index lookups.', labels: [], condition: 'precise-prefix-cache plugins with indexerConfig.kvBlockIndexConfig.enableMetrics: true', confidence: 'documented' },
    { name: 'llm_d_router_epp_kv_cache_index_lookup_hits_total', type: 'counter', help: 'Index lookups that matched at least one block.', labels: [], condition: 'precise-prefix-cache plugins with enableMetrics: true', confidence: 'documented' },
    { name: 'inference_objective_request_total', type: 'counter', help: 'Requests per model (GIE-era name).', labels: [...LEGACY_MODEL, 'priority'], deprecated: 'use llm_d_epp_request_total' },
    { name: 'inference_objective_request_error_total', type: 'counter', help: 'Errored requests (GIE-era name).', labels: [...LEGACY_MODEL, 'error_code'], deprecated: 'use llm_d_epp_request_error_total' },
    { name: 'inference_objective_request_duration_seconds', type: 'histogram', help: 'Request latency (GIE-era name).', labels: LEGACY_MODEL, deprecated: 'use llm_d_epp_request_duration_seconds' },
    { name: 'inference_objective_running_requests', type: 'gauge', help: 'Running requests per model (GIE-era name).', labels: ['model_name'], deprecated: 'use llm_d_epp_request_running' },
    { name: 'inference_objective_normalized_time_per_output_token_seconds', type: 'histogram', help: 'NTPOT (GIE-era name).', labels: LEGACY_MODEL, deprecated: 'use llm_d_epp_request_ntpot_seconds' },
    { name: 'inference_pool_average_kv_cache_utilization', type: 'gauge', help: 'Mean KV-cache utilization of the pool (GIE-era name).', labels: POOL, deprecated: 'use llm_d_epp_average_kv_cache_utilization' },
    { name: 'inference_pool_average_queue_size', type: 'gauge', help: 'Mean queue depth of the pool (GIE-era name).', labels: POOL, deprecated: 'use llm_d_epp_average_queue_size' },
    { name: 'inference_pool_average_running_requests', type: 'gauge', help: 'Mean running requests of the pool (GIE-era name).', labels: POOL, deprecated: 'use llm_d_epp_average_running_requests' },
    { name: 'inference_pool_ready_pods', type: 'gauge', help: 'Ready pods in the pool (GIE-era name).', labels: POOL, deprecated: 'use llm_d_epp_ready_endpoints' },
    { name: 'inference_extension_scheduler_e2e_duration_seconds', type: 'histogram', help: 'Scheduling latency (GIE-era name).', labels: [], deprecated: 'use llm_d_epp_scheduler_e2e_duration_seconds' },
    { name: 'inference_extension_scheduler_attempts_total', type: 'counter', help: 'Scheduling attempts (GIE-era name; endpoint label is pod_name).', labels: ['status', 'target_model_name', 'pod_name', 'namespace', 'port'], deprecated: 'use llm_d_epp_scheduler_attempts_total' },
    { name: 'inference_extension_plugin_duration_seconds', type: 'histogram', help: 'Plugin latency (GIE-era name).', labels: ['extension_point', 'plugin_type', 'plugin_name'], deprecated: 'use llm_d_epp_plugin_duration_seconds' },
    { name: 'inference_extension_info', type: 'gauge', help: 'Build info (GIE-era name).', labels: ['commit', 'build_ref'], deprecated: 'use llm_d_epp_info' },
  ],
};

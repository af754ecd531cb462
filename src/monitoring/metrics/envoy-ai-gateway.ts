import type { MetricCatalog } from './types.js';

const GENAI = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_original_model', 'gen_ai_request_model', 'gen_ai_response_model'] as const;

/**
 * Envoy AI Gateway v1.1.0: the AI Gateway external processor runs as a sidecar in every Envoy proxy
 * pod of a Gateway that has AIGatewayRoutes, and exports OpenTelemetry GenAI metrics in Prometheus format.
 */
export const envoyAiGatewayMetrics: MetricCatalog = {
  component: 'Envoy AI Gateway (external processor)',
  version: 'v1.1.0',
  source:
    'envoyproxy/ai-gateway@v1.1.0 (commit c217da8a539570ba3f6014a60c2687c29a945f1f): internal/metrics/genai.go (gen_ai.client.token.usage unit "token", gen_ai.server.request.duration / time_to_first_token / time_per_output_token unit "s"), ' +
    'cmd/extproc/mainlib/main.go (-adminPort default 1064, serves /metrics), internal/controller/extproc_builder.go (extProcAdminPort 1064), examples/monitoring/monitoring.yaml (container port name "aigw-admin", path /metrics), ' +
    'site/versioned_docs/version-1.1/capabilities/observability/metrics.md, tests/ (gen_ai_server_request_duration_seconds_count, gen_ai_client_token_usage_sum)',
  endpoint: {
    port: 'aigw-admin (1064) on the ai-gateway-extproc sidecar of the Envoy proxy pod',
    path: '/metrics',
    scheme: 'http',
    enable: 'present when the AI Gateway controller injects the external processor, i.e. for traffic routed by an AIGatewayRoute; a plain HTTPRoute to an InferencePool does not go through it and produces no gen_ai_* series',
  },
  confidence: 'verified',
  counterTotalSuffix: 'appended',
  note:
    'OTel instrument names are translated by the OTel Prometheus exporter: dots become underscores, unit "s" adds _seconds, the annotation-like unit "token" adds nothing (the docs query gen_ai_client_token_usage_sum). ' +
    'All four are histograms. Attributes become labels with dots replaced: gen_ai_operation_name (chat, completion, embedding, rerank, messages, ...), gen_ai_provider_name, gen_ai_original_model, gen_ai_request_model, gen_ai_response_model; token usage adds gen_ai_token_type (input, output, total, ...). ' +
    'Extra labels can be added from request headers (controller.metricsRequestHeaderAttributes).',
  metrics: [
    { name: 'gen_ai_client_token_usage', type: 'histogram', help: 'Tokens per request; split by gen_ai_token_type (input, output, total).', labels: [...GENAI, 'gen_ai_token_type'] },
    { name: 'gen_ai_server_request_duration_seconds', type: 'histogram', help: 'Request duration from request headers to end of response body processing, seconds.', labels: GENAI },
    { name: 'gen_ai_server_time_to_first_token_seconds', type: 'histogram', help: 'Time to first token of streamed responses, seconds.', labels: GENAI, condition: 'streaming responses' },
    { name: 'gen_ai_server_time_per_output_token_seconds', type: 'histogram', help: 'Time per output token after the first, seconds.', labels: GENAI, condition: 'streaming responses' },
  ],
};

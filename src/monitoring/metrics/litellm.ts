import type { MetricCatalog } from './types.js';

const PROXY = ['end_user', 'hashed_api_key', 'api_key_alias', 'requested_model', 'team', 'team_alias', 'user', 'user_email', 'route', 'client_ip', 'user_agent', 'model_id'] as const;
const LAT = ['end_user', 'hashed_api_key', 'api_key_alias', 'requested_model', 'team', 'team_alias', 'user', 'model', 'model_id'] as const;
const TOK = ['end_user', 'hashed_api_key', 'api_key_alias', 'model', 'team', 'team_alias', 'user', 'user_email', 'requested_model', 'model_id'] as const;
const DEPLOY = ['requested_model', 'litellm_model_name', 'model_id', 'api_base', 'api_provider', 'hashed_api_key', 'api_key_alias', 'team', 'team_alias', 'client_ip', 'user_agent'] as const;
const DEPLOY_STATE = ['litellm_model_name', 'model_id', 'api_base', 'api_provider'] as const;
const OVERHEAD = ['model_group', 'api_provider', 'api_base', 'litellm_model_name', 'hashed_api_key', 'api_key_alias', 'model_id'] as const;
const FALLBACK = ['requested_model', 'fallback_model', 'hashed_api_key', 'api_key_alias', 'team', 'team_alias', 'exception_status', 'exception_class', 'model_id'] as const;
const CACHE = ['model', 'hashed_api_key', 'api_key_alias', 'team', 'team_alias', 'end_user', 'user', 'model_id'] as const;

/**
 * LiteLLM proxy v1.104.2, open-source image ghcr.io/berriai/litellm:v1.104.2, `prometheus` callback.
 * Prometheus client for Python (counters exposed with `_total`, plus `_created` samples).
 */
export const litellmMetrics: MetricCatalog = {
  component: 'LiteLLM proxy',
  version: 'v1.104.2',
  source:
    'BerriAI/litellm:litellm/types/integrations/prometheus.py (DEFINED_PROMETHEUS_METRICS and PrometheusMetricLabels, 2026 version with org budgets and managed-batch metrics); ' +
    'BerriAI/litellm:litellm/integrations/prometheus.py (metric types: _counter_factory/_gauge_factory/_histogram_factory); ' +
    'BerriAI/litellm-docs@ef86ded88eb7bf5a2370702e1327b9418361c93b:docs/proxy/prometheus.md (2026-05-02) and BerriAI/litellm-docs@3caad847bb1992b5c8a699780cab26c1b0137d88:docs/proxy/prometheus.md (newer; "By default, /metrics requires LiteLLM API key authentication (since v1.85.0)"); ' +
    'open-source since BerriAI/litellm PR #16689 "Prometheus - make OSS" (2025-11-15, v1.80.x; docs commit 16772a41 removed "Prometheus metrics is on LiteLLM Enterprise"); ' +
    'release BerriAI/litellm-docs@16eb91d65cb94127b03ebe47d77f99ad8f20f482:release_notes/v1.104.2/index.md (tag v1.104.2 -> commit fc3920bf403124ad075bc04990f999f7e0612e12)',
  endpoint: {
    port: 'the proxy port (4000 by default); or, since v1.101.0, a dedicated process on --prometheus_metrics_port / PROMETHEUS_METRICS_PORT (inferctl: 4001, port "metrics")',
    path: '/metrics on the proxy port; /metrics/ on the dedicated port (its app is mounted at /metrics, which redirects to the trailing slash)',
    scheme: 'http',
    enable: 'litellm_settings.callbacks: ["prometheus"] in the proxy config (prometheus_client is in the image); with several workers, or the dedicated port, set PROMETHEUS_MULTIPROC_DIR (newer CLIs create it)',
    auth: 'proxy port: Bearer <LiteLLM key> required by default since v1.85.0 (litellm_settings.require_auth_for_metrics_endpoint: false turns it off); dedicated port: no key auth (BerriAI/litellm PR #39889, release notes v1.101.0; litellm/proxy/prometheus_metrics_server.py), so keep it off any route',
  },
  confidence: 'bracketed',
  counterTotalSuffix: 'appended',
  note:
    'The v1.104.2 source could not be read (BerriAI/litellm exceeds the fetch size limit; the index holds undated versions). Names come from the 2026 DEFINED_PROMETHEUS_METRICS list and two docs versions around v1.83-v1.9x. ' +
    'The open-source image exposes everything below without a license since v1.80 (before PR #16689 a non-premium proxy only exposed litellm_not_a_premium_user_metric); the docs mark only the managed-batch metrics "Enterprise only". ' +
    'Label sets grew across releases (model_id, user_email, client_ip, user_agent, org_id/org_alias, service_tier); aggregate by requested_model / model / status_code only. ' +
    'prometheus_metrics_config, prometheus_exclude_metrics and prometheus_exclude_labels can drop metrics or labels; custom_prometheus_metadata_labels and custom_prometheus_tags add labels.',
  metrics: [
    { name: 'litellm_proxy_total_requests_metric_total', type: 'counter', help: 'Client requests to the proxy, by HTTP status_code (the 5xx-ratio source).', labels: [...PROXY, 'status_code'], note: 'Optional label `stream` with litellm_settings.prometheus_emit_stream_label: true.' },
    { name: 'litellm_proxy_failed_requests_metric_total', type: 'counter', help: 'Requests for which the client did not get a success response.', labels: [...PROXY, 'exception_status', 'exception_class'] },
    { name: 'litellm_request_total_latency_metric', type: 'histogram', help: 'End-to-end latency of a request through the proxy, seconds.', labels: LAT },
    { name: 'litellm_llm_api_latency_metric', type: 'histogram', help: 'Latency of the upstream LLM API call, seconds.', labels: LAT },
    { name: 'litellm_llm_api_time_to_first_token_metric', type: 'histogram', help: 'Time to first token of the upstream call, seconds (streaming requests only).', labels: LAT, condition: 'streaming requests' },
    { name: 'litellm_request_queue_time_seconds', type: 'histogram', help: 'Time from request arrival to the start of pre-call processing (auth and ASGI queueing), seconds.', labels: LAT },
    { name: 'litellm_overhead_latency_metric', type: 'histogram', help: 'Processing overhead added by LiteLLM (excluding the LLM call), seconds.', labels: OVERHEAD },
    { name: 'litellm_deployment_latency_per_output_token', type: 'histogram', help: 'Latency per output token per deployment, seconds.', labels: ['litellm_model_name', 'model_id', 'api_base', 'api_provider', 'hashed_api_key', 'api_key_alias', 'team', 'team_alias'] },
    { name: 'litellm_spend_metric_total', type: 'counter', help: 'Spend (cost in USD as computed by LiteLLM).', labels: ['end_user', 'hashed_api_key', 'api_key_alias', 'model', 'team', 'team_alias', 'user', 'user_email', 'client_ip', 'user_agent', 'model_id', 'api_provider'] },
    { name: 'litellm_total_tokens_metric_total', type: 'counter', help: 'Input + output tokens.', labels: TOK },
    { name: 'litellm_input_tokens_metric_total', type: 'counter', help: 'Input (prompt) tokens.', labels: TOK },
    { name: 'litellm_output_tokens_metric_total', type: 'counter', help: 'Output (completion) tokens.', labels: TOK },
    { name: 'litellm_requests_metric_total', type: 'counter', help: 'LLM calls per key/team/user.', labels: ['end_user', 'hashed_api_key', 'api_key_alias', 'model', 'team', 'team_alias', 'user', 'user_email', 'client_ip', 'user_agent', 'model_id', 'api_provider'], deprecated: 'use litellm_proxy_total_requests_metric_total' },
    { name: 'litellm_llm_api_failed_requests_metric_total', type: 'counter', help: 'Failed LLM API calls.', labels: ['end_user', 'hashed_api_key', 'api_key_alias', 'model', 'team', 'team_alias', 'user', 'model_id'], deprecated: 'use litellm_proxy_failed_requests_metric_total' },
    { name: 'litellm_deployment_success_responses_total', type: 'counter', help: 'Successful calls to a deployment (model backend).', labels: DEPLOY },
    { name: 'litellm_deployment_failure_responses_total', type: 'counter', help: 'Failed calls to a deployment, by exception status/class.', labels: [...DEPLOY, 'exception_status', 'exception_class'] },
    { name: 'litellm_deployment_total_requests_total', type: 'counter', help: 'Calls to a deployment, success + failure.', labels: DEPLOY },
    { name: 'litellm_deployment_state', type: 'gauge', help: 'Deployment state: 0 healthy, 1 partial outage, 2 complete outage.', labels: DEPLOY_STATE },
    { name: 'litellm_deployment_cooled_down_total', type: 'counter', help: 'Times the router cooled a deployment down.', labels: [...DEPLOY_STATE, 'exception_status'] },
    { name: 'litellm_deployment_successful_fallbacks_total', type: 'counter', help: 'Successful fallbacks from the primary to a fallback model.', labels: FALLBACK },
    { name: 'litellm_deployment_failed_fallbacks_total', type: 'counter', help: 'Failed fallbacks.', labels: FALLBACK },
    { name: 'litellm_deployment_tpm_limit', type: 'gauge', help: 'Configured TPM limit of a deployment.', labels: DEPLOY_STATE, condition: 'tpm set on the deployment' },
    { name: 'litellm_deployment_rpm_limit', type: 'gauge', help: 'Configured RPM limit of a deployment.', labels: DEPLOY_STATE, condition: 'rpm set on the deployment' },
    { name: 'litellm_remaining_requests_metric', type: 'gauge', help: 'x-ratelimit-remaining-requests returned by the provider.', labels: OVERHEAD, condition: 'provider returns rate-limit headers', note: 'Mid-2025 code registered this gauge as "litellm_remaining_requests"; the 2026 list and docs use the _metric name. Confirm with a scrape.' },
    { name: 'litellm_remaining_tokens_metric', type: 'gauge', help: 'x-ratelimit-remaining-tokens returned by the provider.', labels: OVERHEAD, condition: 'provider returns rate-limit headers', note: 'Same naming caveat as litellm_remaining_requests_metric.' },
    { name: 'litellm_remaining_team_budget_metric', type: 'gauge', help: 'Remaining budget of a team.', labels: ['team', 'team_alias'] },
    { name: 'litellm_team_max_budget_metric', type: 'gauge', help: 'Max budget of a team.', labels: ['team', 'team_alias'] },
    { name: 'litellm_team_budget_remaining_hours_metric', type: 'gauge', help: 'Hours until the team budget resets.', labels: ['team', 'team_alias'] },
    { name: 'litellm_remaining_api_key_budget_metric', type: 'gauge', help: 'Remaining budget of a virtual key.', labels: ['hashed_api_key', 'api_key_alias'] },
    { name: 'litellm_api_key_max_budget_metric', type: 'gauge', help: 'Max budget of a virtual key.', labels: ['hashed_api_key', 'api_key_alias'] },
    { name: 'litellm_api_key_budget_remaining_hours_metric', type: 'gauge', help: 'Hours until the key budget resets.', labels: ['hashed_api_key', 'api_key_alias'] },
    { name: 'litellm_remaining_user_budget_metric', type: 'gauge', help: 'Remaining budget of an internal user.', labels: ['user'] },
    { name: 'litellm_remaining_org_budget_metric', type: 'gauge', help: 'Remaining budget of an organization.', labels: ['org_id', 'org_alias'] },
    { name: 'litellm_remaining_api_key_requests_for_model', type: 'gauge', help: 'Remaining requests of a key for a model (model-specific rpm limit on the key).', labels: ['hashed_api_key', 'api_key_alias', 'model', 'model_id'], condition: 'model-specific rpm limit on the key' },
    { name: 'litellm_remaining_api_key_tokens_for_model', type: 'gauge', help: 'Remaining tokens of a key for a model (model-specific tpm limit on the key).', labels: ['hashed_api_key', 'api_key_alias', 'model', 'model_id'], condition: 'model-specific tpm limit on the key' },
    { name: 'litellm_cache_hits_metric_total', type: 'counter', help: 'Requests served from LiteLLM\'s response cache.', labels: CACHE, condition: 'response caching enabled' },
    { name: 'litellm_cache_misses_metric_total', type: 'counter', help: 'Requests that missed LiteLLM\'s response cache.', labels: CACHE, condition: 'response caching enabled' },
    { name: 'litellm_cached_tokens_metric_total', type: 'counter', help: 'Tokens served from LiteLLM\'s response cache.', labels: CACHE, condition: 'response caching enabled' },
    { name: 'litellm_callback_logging_failures_metric_total', type: 'counter', help: 'Failed attempts to ship logs to a callback.', labels: ['callback_name'] },
    { name: 'litellm_in_flight_requests', type: 'gauge', help: 'HTTP requests in flight on the pod (summed over workers).', labels: [] },
    { name: 'litellm_pod_lock_manager_size', type: 'gauge', help: 'Which pod holds the DB-write lock (Redis transaction buffer).', labels: [], condition: 'Redis transaction buffer' },
    { name: 'litellm_in_memory_spend_update_queue_size', type: 'gauge', help: 'Items in the in-memory spend update queue.', labels: [] },
    { name: 'litellm_redis_spend_update_queue_size', type: 'gauge', help: 'Items in the Redis spend update queue.', labels: [], condition: 'Redis transaction buffer' },
    { name: 'litellm_in_memory_daily_spend_update_queue_size', type: 'gauge', help: 'Items in the in-memory daily spend update queue.', labels: [] },
    { name: 'litellm_redis_daily_spend_update_queue_size', type: 'gauge', help: 'Items in the Redis daily spend update queue.', labels: [], condition: 'Redis transaction buffer' },
    { name: 'litellm_guardrail_requests_total', type: 'counter', help: 'Guardrail invocations.', labels: ['guardrail_name', 'status', 'hook_type'], condition: 'guardrails configured' },
    { name: 'litellm_guardrail_errors_total', type: 'counter', help: 'Guardrail execution errors.', labels: ['guardrail_name', 'error_type', 'hook_type'], condition: 'guardrails configured' },
    { name: 'litellm_guardrail_latency_seconds', type: 'histogram', help: 'Guardrail execution latency, seconds.', labels: ['guardrail_name', 'status', 'error_type', 'hook_type'], condition: 'guardrails configured' },
    { name: 'litellm_db_pool_connections_busy', type: 'gauge', help: 'Prisma pool connections checked out.', labels: [], confidence: 'documented', note: 'Documented in the newer prometheus.md (3caad847); not established for v1.104.2.' },
    { name: 'litellm_db_pool_connections_max', type: 'gauge', help: 'Configured Prisma pool size, summed over workers.', labels: [], confidence: 'documented', note: 'Same caveat as litellm_db_pool_connections_busy.' },
    { name: 'litellm_db_pool_timeouts_total', type: 'counter', help: 'Queries that gave up waiting for a pool connection (Prisma P2024).', labels: [], confidence: 'documented', note: 'Same caveat as litellm_db_pool_connections_busy.' },
    { name: 'litellm_requests_shed_total', type: 'counter', help: 'Responses the proxy itself declined (429).', labels: ['status'], confidence: 'documented', note: 'Same caveat as litellm_db_pool_connections_busy.' },
  ],
  absent: [
    { name: 'litellm_not_a_premium_user_metric_total', reason: 'Only emitted by pre-v1.80 proxies without an enterprise license; gone since Prometheus became open source (PR #16689).' },
    { name: 'litellm_total_tokens_total', reason: 'Mid-2025 registration name of the token counter; current name is litellm_total_tokens_metric_total.' },
    { name: 'litellm_managed_batch_created_total', reason: 'Managed-batch metrics are documented as Enterprise only.' },
  ],
};

import type { MetricCatalog } from './types.js';

const L = ['model_name', 'engine'] as const;

/**
 * vLLM OpenAI server (`vllm serve`, image vllm/vllm-openai:v0.21.0), V1 engine, Prometheus client for
 * Python. Metrics are on by default at `/metrics` of the API port.
 */
export const vllmMetrics: MetricCatalog = {
  component: 'vLLM',
  version: 'v0.21.0',
  source:
    'vllm-project/vllm:vllm/v1/metrics/loggers.py (V1 PrometheusStatLogger; read at a v0.12-era blob whose comments say "Deprecated in 0.11 ... With 0.12.x you can enable with --show-hidden-metrics-for-version=0.11 ... TODO: remove in 0.13.0"); ' +
    'vllm-project/vllm@20ef9d82bba54f88abb1bf906f97587f5e8be959:tests/entrypoints/instrumentator/test_metrics.py (EXPECTED_METRICS_V1, 2026, after PR #32661 and #33323); ' +
    'llm-d/llm-d-router@v0.10.0:pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go (the endpoint picker of the release that deploys vllm/vllm-openai:v0.21.0 reads vllm:num_requests_waiting, vllm:num_requests_running, vllm:kv_cache_usage_perc, vllm:lora_requests_info, vllm:cache_config_info); ' +
    'https://docs.vllm.ai/en/stable/usage/metrics/; removals: https://github.com/vllm-project/vllm/pull/29330, https://github.com/vllm-project/vllm/pull/32661',
  endpoint: {
    port: 'the API server port (vllm serve default 8000; KServe kserve-vllmserver passes --port=8080 and annotates prometheus.kserve.io/port: "8080")',
    path: '/metrics',
    scheme: 'http',
    auth: 'none observed; --api-key guards the /v1 API (not re-verified for /metrics at v0.21.0)',
  },
  confidence: 'bracketed',
  counterTotalSuffix: 'appended',
  note:
    'The v0.21.0 tag itself could not be read: the vllm-project/vllm snapshot exceeds the fetch size limit and the index holds undated blobs. ' +
    'Names marked bracketed are present in the V1 logger at v0.12.x and in vLLM\'s own 2026 metrics test (EXPECTED_METRICS_V1), and no removal of them was found in vLLM\'s PRs; vLLM\'s policy is deprecate in X.Y, hide in X.Y+1, remove in X.Y+2 (PR #13295). ' +
    'Counters are registered without `_total` (e.g. "vllm:prompt_tokens") and exposed with it. Labels: model_name = --served-model-name (or the model path), engine = engine index ("0" without data parallelism).',
  metrics: [
    { name: 'vllm:num_requests_running', type: 'gauge', help: 'Requests in model execution batches.', labels: L, confidence: 'verified', note: 'Read by llm-d-router v0.10.0 as the running-requests metric for vLLM.' },
    { name: 'vllm:num_requests_waiting', type: 'gauge', help: 'Requests waiting to be processed (queue depth).', labels: L, confidence: 'verified', note: 'Read by llm-d-router v0.10.0 as the queue metric for vLLM.' },
    { name: 'vllm:kv_cache_usage_perc', type: 'gauge', help: 'KV-cache usage, 0 to 1 (1 means 100 percent).', labels: L, confidence: 'verified', note: 'A fraction, not a percentage, despite the name. Read by llm-d-router v0.10.0 as the KV usage metric for vLLM. Replaces vllm:gpu_cache_usage_perc.' },
    { name: 'vllm:prefix_cache_queries_total', type: 'counter', help: 'Prefix-cache queries, in queried tokens.', labels: L },
    { name: 'vllm:prefix_cache_hits_total', type: 'counter', help: 'Prefix-cache hits, in cached tokens. Hit rate = rate(hits) / rate(queries).', labels: L },
    { name: 'vllm:external_prefix_cache_queries_total', type: 'counter', help: 'Prefix-cache queries served through a KV connector (cross-instance cache sharing), in tokens.', labels: L, condition: 'a KV connector is configured (otherwise stays at zero or absent)' },
    { name: 'vllm:external_prefix_cache_hits_total', type: 'counter', help: 'Prefix-cache hits through a KV connector, in tokens.', labels: L, condition: 'a KV connector is configured' },
    { name: 'vllm:mm_cache_queries_total', type: 'counter', help: 'Multi-modal cache queries, in items.', labels: L, condition: 'multi-modal model' },
    { name: 'vllm:mm_cache_hits_total', type: 'counter', help: 'Multi-modal cache hits, in items.', labels: L, condition: 'multi-modal model' },
    { name: 'vllm:num_preemptions_total', type: 'counter', help: 'Cumulative preemptions by the engine scheduler.', labels: L },
    { name: 'vllm:prompt_tokens_total', type: 'counter', help: 'Prefill (prompt) tokens processed.', labels: L },
    { name: 'vllm:generation_tokens_total', type: 'counter', help: 'Generation (output) tokens processed.', labels: L },
    { name: 'vllm:request_success_total', type: 'counter', help: 'Finished requests, by finish reason (stop, length, abort, ...).', labels: [...L, 'finished_reason'] },
    { name: 'vllm:corrupted_requests_total', type: 'counter', help: 'Requests with NaNs in logits.', labels: L, condition: 'env VLLM_COMPUTE_NANS_IN_LOGITS=1' },
    { name: 'vllm:spec_decode_num_drafts_total', type: 'counter', help: 'Speculative-decoding drafts.', labels: L, condition: 'speculative decoding configured', confidence: 'documented' },
    { name: 'vllm:spec_decode_num_draft_tokens_total', type: 'counter', help: 'Speculative-decoding draft tokens.', labels: L, condition: 'speculative decoding configured', confidence: 'documented' },
    { name: 'vllm:spec_decode_num_accepted_tokens_total', type: 'counter', help: 'Accepted speculative tokens; acceptance = rate(accepted) / rate(draft_tokens).', labels: L, condition: 'speculative decoding configured', confidence: 'documented' },
    { name: 'vllm:request_prompt_tokens', type: 'histogram', help: 'Prompt tokens per finished request.', labels: L },
    { name: 'vllm:request_generation_tokens', type: 'histogram', help: 'Generation tokens per finished request.', labels: L },
    { name: 'vllm:iteration_tokens_total', type: 'histogram', help: 'Tokens per engine step. A histogram despite the `_total` in its base name: series are vllm:iteration_tokens_total_bucket/_sum/_count.', labels: L },
    { name: 'vllm:request_max_num_generation_tokens', type: 'histogram', help: 'Maximum requested generation tokens per request.', labels: L },
    { name: 'vllm:request_params_n', type: 'histogram', help: 'The n request parameter.', labels: L },
    { name: 'vllm:request_params_max_tokens', type: 'histogram', help: 'The max_tokens request parameter.', labels: L },
    { name: 'vllm:time_to_first_token_seconds', type: 'histogram', help: 'Time to first token (TTFT), seconds.', labels: L },
    { name: 'vllm:inter_token_latency_seconds', type: 'histogram', help: 'Inter-token latency (ITL), seconds; the replacement of vllm:time_per_output_token_seconds.', labels: L },
    { name: 'vllm:request_time_per_output_token_seconds', type: 'histogram', help: 'Mean time per output token of each finished request (TPOT per request), seconds.', labels: L },
    { name: 'vllm:e2e_request_latency_seconds', type: 'histogram', help: 'End-to-end request latency, seconds.', labels: L },
    { name: 'vllm:request_queue_time_seconds', type: 'histogram', help: 'Time a request spent WAITING (queued), seconds.', labels: L },
    { name: 'vllm:request_inference_time_seconds', type: 'histogram', help: 'Time a request spent RUNNING, seconds.', labels: L },
    { name: 'vllm:request_prefill_time_seconds', type: 'histogram', help: 'Time a request spent in prefill, seconds.', labels: L },
    { name: 'vllm:request_decode_time_seconds', type: 'histogram', help: 'Time a request spent in decode, seconds.', labels: L },
    { name: 'vllm:cache_config_info', type: 'gauge', help: 'Info-style gauge (always 1) carrying the cache config as labels (block_size, num_gpu_blocks, ...).', labels: ['engine', 'block_size', 'num_gpu_blocks'], note: 'One label per CacheConfig.metrics_info() key; only engine, block_size and num_gpu_blocks are listed here. Read by llm-d-router v0.10.0.' },
    { name: 'vllm:lora_requests_info', type: 'gauge', help: 'Running/waiting LoRA adapters; value is the update timestamp.', labels: ['max_lora', 'waiting_lora_adapters', 'running_lora_adapters'], condition: '--enable-lora', note: 'Read by llm-d-router v0.10.0 for LoRA-affinity routing.' },
    { name: 'vllm:engine_sleep_state', type: 'gauge', help: 'Engine sleep state (awake, weights_offloaded, discard_all), 0/1 per state.', labels: [...L, 'sleep_state'] },
  ],
  absent: [
    { name: 'vllm:gpu_cache_usage_perc', reason: 'Deprecated in 0.9/0.10, removed by PR #29330 (2025-11); use vllm:kv_cache_usage_perc.' },
    { name: 'vllm:gpu_prefix_cache_queries_total', reason: 'Removed by PR #29330; use vllm:prefix_cache_queries_total.' },
    { name: 'vllm:gpu_prefix_cache_hits_total', reason: 'Removed by PR #29330; use vllm:prefix_cache_hits_total.' },
    { name: 'vllm:time_per_output_token_seconds', reason: 'Deprecated in 0.11, hidden in 0.12, removed by PR #32661 (merged 2026-01-20); use vllm:inter_token_latency_seconds.' },
    { name: 'vllm:num_requests_swapped', reason: 'V0-engine metric, removed in 0.9 (PR #18837).' },
    { name: 'vllm:cpu_cache_usage_perc', reason: 'V0-engine metric, removed in 0.9 (PR #18837).' },
  ],
};

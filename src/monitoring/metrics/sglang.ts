import type { MetricCatalog } from './types.js';

/** Scheduler label set; newer builds add tp_rank, pp_rank, moe_ep_rank (and dp_rank, priority, custom labels). */
const S = ['model_name', 'engine_type'] as const;
/** Tokenizer-manager label set (request-level metrics). */
const T = ['model_name'] as const;

/**
 * SGLang server (`python -m sglang.launch_server`, image lmsysorg/sglang:v0.5.12) with
 * `--enable-metrics`. Prometheus client for Python.
 */
export const sglangMetrics: MetricCatalog = {
  component: 'SGLang',
  version: 'v0.5.12',
  source:
    'tag choice: llm-d/llm-d-router@v0.10.0:config/manifests/sglang/gpu-deployment.yaml (image lmsysorg/sglang:v0.5.12; KServe v0.20.0 ships no SGLang runtime); ' +
    'names: sgl-project/sglang@44cedc2b9c7dd31d9acae4498ea4fa0d3665feed:python/sglang/srt/observability/metrics_collector.py (2026) and sgl-project/sglang@93d04878cfb9b08645fae7b11bd340ee33b34acf:python/sglang/srt/metrics/collector.py (older path, 2025); ' +
    'llm-d/llm-d-router@v0.10.0:pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go (reads sglang:num_queue_reqs, sglang:num_running_reqs, sglang:token_usage, sglang:cache_config_info{page_size,num_pages})',
  endpoint: {
    port: 'the server port (--port, default 30000)',
    path: '/metrics',
    scheme: 'http',
    enable: '--enable-metrics (off by default)',
  },
  confidence: 'bracketed',
  counterTotalSuffix: 'appended',
  note:
    'The v0.5.12 tag could not be read (the sgl-project/sglang snapshot exceeds the fetch size limit); names were read in two collector versions that bracket it, plus llm-d-router v0.10.0, which targets v0.5.12. ' +
    'Several SGLang counters are registered with `_total` in the name (e.g. "sglang:num_requests_total"); prometheus_client does not double the suffix, so the exposed name is as listed. ' +
    'Label sets changed over 2025-2026: the scheduler collector used {model_name, engine_type} and later added tp_rank, pp_rank, moe_ep_rank (+dp_rank, priority, --extra-metric-labels); request-level metrics carry model_name. Aggregate with sum by (model_name).',
  metrics: [
    { name: 'sglang:num_running_reqs', type: 'gauge', help: 'Running requests.', labels: S, confidence: 'verified', note: 'Read by llm-d-router v0.10.0 as the running-requests metric for SGLang.' },
    { name: 'sglang:num_queue_reqs', type: 'gauge', help: 'Requests in the waiting queue.', labels: S, confidence: 'verified', note: 'Read by llm-d-router v0.10.0 as the queue metric for SGLang.' },
    { name: 'sglang:token_usage', type: 'gauge', help: 'KV-cache token usage, 0 to 1.', labels: S, confidence: 'verified', note: 'Read by llm-d-router v0.10.0 as the KV usage metric for SGLang (the analogue of vllm:kv_cache_usage_perc).' },
    { name: 'sglang:num_used_tokens', type: 'gauge', help: 'Used KV-cache tokens.', labels: S },
    { name: 'sglang:cache_hit_rate', type: 'gauge', help: 'Prefix (radix) cache hit rate, 0 to 1.', labels: S },
    { name: 'sglang:gen_throughput', type: 'gauge', help: 'Generation throughput, tokens/s (per log interval).', labels: S },
    { name: 'sglang:num_grammar_queue_reqs', type: 'gauge', help: 'Requests waiting for grammar compilation.', labels: S },
    { name: 'sglang:num_retracted_reqs', type: 'gauge', help: 'Retracted requests (KV pressure).', labels: S },
    { name: 'sglang:spec_accept_length', type: 'gauge', help: 'Average speculative-decoding acceptance length.', labels: S, condition: 'speculative decoding configured' },
    { name: 'sglang:utilization', type: 'gauge', help: 'Scheduler utilization.', labels: S },
    { name: 'sglang:engine_startup_time', type: 'gauge', help: 'Engine start-up time, seconds.', labels: S },
    { name: 'sglang:engine_load_weights_time', type: 'gauge', help: 'Weight loading time, seconds.', labels: S },
    { name: 'sglang:is_cuda_graph', type: 'gauge', help: 'Whether the last batch used a CUDA graph.', labels: S },
    { name: 'sglang:cache_config_info', type: 'gauge', help: 'Info-style gauge (1) with the KV cache geometry as labels.', labels: ['page_size', 'num_pages'], confidence: 'verified', note: 'In the 2026 collector and read by llm-d-router v0.10.0; absent from the older 2025 collector file.' },
    { name: 'sglang:queue_time_seconds', type: 'histogram', help: 'Queueing time, seconds.', labels: S },
    { name: 'sglang:per_stage_req_latency_seconds', type: 'histogram', help: 'Latency of each request stage, seconds.', labels: [...S, 'stage'] },
    { name: 'sglang:num_bootstrap_failed_reqs_total', type: 'counter', help: 'PD-disaggregation bootstrap failures.', labels: S, condition: 'prefill/decode disaggregation' },
    { name: 'sglang:num_transfer_failed_reqs_total', type: 'counter', help: 'PD-disaggregation KV transfer failures.', labels: S, condition: 'prefill/decode disaggregation' },
    { name: 'sglang:prompt_tokens_total', type: 'counter', help: 'Prefill (prompt) tokens processed.', labels: T },
    { name: 'sglang:generation_tokens_total', type: 'counter', help: 'Generation tokens processed.', labels: T },
    { name: 'sglang:cached_tokens_total', type: 'counter', help: 'Prompt tokens served from the prefix cache (2026 builds add label cache_source).', labels: T },
    { name: 'sglang:num_requests_total', type: 'counter', help: 'Requests processed (finished).', labels: T },
    { name: 'sglang:num_aborted_requests_total', type: 'counter', help: 'Requests aborted.', labels: T },
    { name: 'sglang:num_so_requests_total', type: 'counter', help: 'Structured-output requests processed.', labels: T },
    { name: 'sglang:time_to_first_token_seconds', type: 'histogram', help: 'Time to first token (TTFT), seconds.', labels: T },
    { name: 'sglang:inter_token_latency_seconds', type: 'histogram', help: 'Inter-token latency (ITL), seconds.', labels: T },
    { name: 'sglang:e2e_request_latency_seconds', type: 'histogram', help: 'End-to-end request latency, seconds.', labels: T },
  ],
  absent: [
    { name: 'sglang:kv_cache_usage_perc', reason: 'Never an SGLang name; the KV usage gauge is sglang:token_usage.' },
    { name: 'sglang:num_requests_waiting', reason: 'Never an SGLang name; the queue gauge is sglang:num_queue_reqs.' },
  ],
};

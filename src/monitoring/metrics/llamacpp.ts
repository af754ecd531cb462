import type { MetricCatalog } from './types.js';

/**
 * llama.cpp `llama-server` (images ghcr.io/ggml-org/llama.cpp:server-b11151 / server-cuda-b11151).
 * The server writes the exposition text itself: one unlabelled series per metric (no model label;
 * scrape-time pod labels identify the replica).
 */
export const llamacppMetrics: MetricCatalog = {
  component: 'llama.cpp server',
  version: 'b11151',
  source:
    'ggml-org/llama.cpp:tools/server/server-task.cpp (server_task_result_metrics::to_metrics, a 2026 version with prompt_tokens_cached_total and spec_decode_*; path inferred from the function, read as an undated index blob); ' +
    'ggml-org/llama.cpp:tools/server/server-context.cpp (a late-2025 version of the /metrics route handler, all_metrics_def with 7 counters and 4 gauges; path inferred, undated index blob); ' +
    'ggml-org/llama.cpp:common/arg.cpp ("--metrics" ... set_env("LLAMA_ARG_ENDPOINT_METRICS")); https://github.com/ggml-org/llama.cpp/tree/master/tools/server#get-metrics-prometheus-compatible-metrics-exporter',
  endpoint: {
    port: 'the server port (--port / LLAMA_ARG_PORT, default 8080)',
    path: '/metrics',
    scheme: 'http',
    enable: '--metrics or env LLAMA_ARG_ENDPOINT_METRICS=1 (disabled by default; without it /metrics answers a "not supported ... Start it with `--metrics`" error)',
    auth: 'when --api-key is set the endpoint is not on the public list (unverified at b11151)',
  },
  confidence: 'bracketed',
  counterTotalSuffix: 'as-registered',
  note:
    'Build b11151 (commit bd4f514db, per src/charts/inference-stack/images.ts) could not be read at that commit: the snapshot is over the fetch size limit and the index needs full commit hashes. ' +
    'Names are from a late-2025 and a 2026 version of the handler; the core set is identical in both. The metrics are prefixed `llamacpp:` by the handler and carry no labels. ' +
    'The older llamacpp:kv_cache_usage_ratio and llamacpp:kv_cache_tokens gauges are not in either version; use llamacpp:requests_deferred and llamacpp:n_busy_slots_per_decode for saturation.',
  metrics: [
    { name: 'llamacpp:prompt_tokens_total', type: 'counter', help: 'Prompt tokens processed (2026 builds: excluding cached tokens).', labels: [] },
    { name: 'llamacpp:prompt_seconds_total', type: 'counter', help: 'Time spent processing prompts, seconds.', labels: [] },
    { name: 'llamacpp:tokens_predicted_total', type: 'counter', help: 'Generation tokens produced.', labels: [] },
    { name: 'llamacpp:tokens_predicted_seconds_total', type: 'counter', help: 'Time spent generating tokens, seconds.', labels: [] },
    { name: 'llamacpp:n_decode_total', type: 'counter', help: 'llama_decode() calls.', labels: [] },
    { name: 'llamacpp:n_tokens_max', type: 'counter', help: 'Largest observed sequence length (prompt + generation). Declared counter, behaves as a high-water mark.', labels: [] },
    { name: 'llamacpp:prompt_tokens_seconds', type: 'gauge', help: 'Average prompt throughput, tokens/s.', labels: [] },
    { name: 'llamacpp:predicted_tokens_seconds', type: 'gauge', help: 'Average generation throughput, tokens/s.', labels: [] },
    { name: 'llamacpp:requests_processing', type: 'gauge', help: 'Requests being processed (busy slots).', labels: [] },
    { name: 'llamacpp:requests_deferred', type: 'gauge', help: 'Requests deferred (waiting for a free slot).', labels: [] },
    { name: 'llamacpp:n_busy_slots_per_decode', type: 'gauge', help: 'Average busy slots per llama_decode() call (declared counter in the 2025 handler, gauge in 2026).', labels: [] },
    { name: 'llamacpp:prompt_tokens_cached_total', type: 'counter', help: 'Prompt tokens reused from the cache.', labels: [], confidence: 'unverified', note: 'Only in the 2026 handler; whether b11151 has it is not established.' },
    { name: 'llamacpp:spec_decode_num_draft_tokens_total', type: 'counter', help: 'Speculative decoding: draft tokens generated.', labels: [], condition: 'a draft model / speculative decoding', confidence: 'unverified' },
    { name: 'llamacpp:spec_decode_num_accepted_tokens_total', type: 'counter', help: 'Speculative decoding: draft tokens accepted.', labels: [], condition: 'a draft model / speculative decoding', confidence: 'unverified' },
    { name: 'llamacpp:spec_decode_num_drafts_total', type: 'counter', help: 'Speculative decoding: verification steps.', labels: [], condition: 'a draft model / speculative decoding', confidence: 'unverified' },
  ],
  absent: [
    { name: 'llamacpp:kv_cache_usage_ratio', reason: 'Removed from llama-server before the late-2025 handler (not in either version read).' },
    { name: 'llamacpp:kv_cache_tokens', reason: 'Removed with kv_cache_usage_ratio.' },
  ],
};

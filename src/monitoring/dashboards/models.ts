import { anyOf, dashboard, q, type DashboardSpec } from '../grafana.js';

export interface ModelScope {
  /** Served model name (the model_name label of vLLM and SGLang). */
  servedModelName: string;
  runtime: string;
  /** Predictor pods are <isvc>-predictor-...; llama.cpp metrics carry no model label. */
  isvc: string;
  /** InferencePool name, when the model has an endpoint picker. */
  pool?: string;
}

export interface ModelsDashboardScope {
  uid: string;
  release: string;
  namespace: string;
  models: ModelScope[];
}

const hq = (p: number, metric: string, sel: string, by: string) => `histogram_quantile(${p}, sum by (le, ${by}) (rate(${metric}_bucket{${sel}}[5m])))`;

/** Models: queue, KV cache, prefix cache, TTFT and ITL per runtime; endpoint picker pools. */
export function modelsDashboard(s: ModelsDashboardScope): Record<string, unknown> {
  const ns = `namespace=${q(s.namespace)}`;
  const of = (runtime: string) => s.models.filter((m) => m.runtime === runtime);
  const rows: DashboardSpec['rows'] = [];
  const vllm = of('vllm');
  if (vllm.length) {
    const sel = `${ns},model_name=~${anyOf(vllm.map((m) => m.servedModelName))}`;
    rows.push({
      title: 'vLLM',
      panels: [
        {
          title: 'Running and waiting requests per replica',
          queries: [
            { expr: `sum by (model_name, pod) (vllm:num_requests_running{${sel}})`, legend: '{{pod}} running' },
            { expr: `sum by (model_name, pod) (vllm:num_requests_waiting{${sel}})`, legend: '{{pod}} waiting' },
          ],
        },
        { title: 'KV-cache usage per replica', unit: 'percentunit', threshold: 0.9, queries: [{ expr: `max by (model_name, pod) (vllm:kv_cache_usage_perc{${sel}})`, legend: '{{pod}}' }] },
        {
          title: 'Prefix-cache hit rate',
          unit: 'percentunit',
          queries: [{ expr: `sum by (model_name) (rate(vllm:prefix_cache_hits_total{${sel}}[5m])) / sum by (model_name) (rate(vllm:prefix_cache_queries_total{${sel}}[5m]))`, legend: '{{model_name}}' }],
        },
        {
          title: 'Tokens per second',
          queries: [
            { expr: `sum by (model_name) (rate(vllm:generation_tokens_total{${sel}}[5m]))`, legend: '{{model_name}} generated' },
            { expr: `sum by (model_name) (rate(vllm:prompt_tokens_total{${sel}}[5m]))`, legend: '{{model_name}} prompt' },
          ],
        },
        { title: 'Time to first token', unit: 's', queries: [0.5, 0.95].map((p) => ({ expr: hq(p, 'vllm:time_to_first_token_seconds', sel, 'model_name'), legend: `{{model_name}} p${p * 100}` })) },
        { title: 'Inter-token latency', unit: 's', queries: [0.5, 0.95].map((p) => ({ expr: hq(p, 'vllm:inter_token_latency_seconds', sel, 'model_name'), legend: `{{model_name}} p${p * 100}` })) },
        { title: 'Queue time p95', unit: 's', queries: [{ expr: hq(0.95, 'vllm:request_queue_time_seconds', sel, 'model_name'), legend: '{{model_name}}' }] },
        { title: 'Preemptions per second', queries: [{ expr: `sum by (model_name) (rate(vllm:num_preemptions_total{${sel}}[5m]))`, legend: '{{model_name}}' }] },
      ],
    });
  }
  const sglang = of('sglang');
  if (sglang.length) {
    const sel = `${ns},model_name=~${anyOf(sglang.map((m) => m.servedModelName))}`;
    rows.push({
      title: 'SGLang',
      panels: [
        {
          title: 'Running and queued requests per replica',
          queries: [
            { expr: `sum by (model_name, pod) (sglang:num_running_reqs{${sel}})`, legend: '{{pod}} running' },
            { expr: `sum by (model_name, pod) (sglang:num_queue_reqs{${sel}})`, legend: '{{pod}} queued' },
          ],
        },
        { title: 'KV-cache token usage per replica', unit: 'percentunit', threshold: 0.9, queries: [{ expr: `max by (model_name, pod) (sglang:token_usage{${sel}})`, legend: '{{pod}}' }] },
        { title: 'Prefix (radix) cache hit rate', unit: 'percentunit', queries: [{ expr: `avg by (model_name) (sglang:cache_hit_rate{${sel}})`, legend: '{{model_name}}' }] },
        { title: 'Generated tokens per second', queries: [{ expr: `sum by (model_name) (rate(sglang:generation_tokens_total{${sel}}[5m]))`, legend: '{{model_name}}' }] },
        { title: 'Time to first token', unit: 's', queries: [0.5, 0.95].map((p) => ({ expr: hq(p, 'sglang:time_to_first_token_seconds', sel, 'model_name'), legend: `{{model_name}} p${p * 100}` })) },
        { title: 'Inter-token latency', unit: 's', queries: [0.5, 0.95].map((p) => ({ expr: hq(p, 'sglang:inter_token_latency_seconds', sel, 'model_name'), legend: `{{model_name}} p${p * 100}` })) },
      ],
    });
  }
  const llamacpp = of('llamacpp');
  if (llamacpp.length) {
    // llama-server's metrics carry no model label: each model is its predictor's pods.
    const sel = `${ns},pod=~${q(`(${llamacpp.map((m) => m.isvc).join('|')})-predictor-.*`)}`;
    rows.push({
      title: 'llama.cpp',
      panels: [
        {
          title: 'Busy and deferred slots per replica',
          queries: [
            { expr: `sum by (pod) (llamacpp:requests_processing{${sel}})`, legend: '{{pod}} processing' },
            { expr: `sum by (pod) (llamacpp:requests_deferred{${sel}})`, legend: '{{pod}} deferred' },
          ],
        },
        {
          title: 'Tokens per second per replica',
          queries: [
            { expr: `sum by (pod) (rate(llamacpp:tokens_predicted_total{${sel}}[5m]))`, legend: '{{pod}} generated' },
            { expr: `sum by (pod) (rate(llamacpp:prompt_tokens_total{${sel}}[5m]))`, legend: '{{pod}} prompt' },
          ],
        },
      ],
    });
  }
  const pools = s.models.filter((m) => m.pool).map((m) => m.pool!);
  if (pools.length) {
    const sel = `${ns},name=~${anyOf(pools)}`;
    rows.push({
      title: 'Endpoint picker (InferencePools)',
      panels: [
        { title: 'Ready endpoints per pool', queries: [{ expr: `max by (name) (llm_d_epp_ready_endpoints{${sel}})`, legend: '{{name}}' }] },
        {
          title: 'Pool load seen by the picker',
          queries: [
            { expr: `max by (name) (llm_d_epp_average_queue_size{${sel}})`, legend: '{{name}} queue' },
            { expr: `max by (name) (llm_d_epp_average_kv_cache_utilization{${sel}})`, legend: '{{name}} KV cache' },
          ],
        },
        { title: 'Scheduling decisions per second by outcome', queries: [{ expr: `sum by (status) (rate(llm_d_epp_scheduler_attempts_total{${ns}}[5m]))`, legend: '{{status}}' }] },
        { title: 'Scheduling latency p95', unit: 's', queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(llm_d_epp_scheduler_e2e_duration_seconds_bucket{${ns}}[5m])))`, legend: 'p95' }] },
      ],
    });
  }
  const ollama = of('ollama').map((m) => m.servedModelName);
  return dashboard({
    uid: s.uid,
    title: `LLM platform ${s.namespace}/${s.release}: models`,
    description: `Model servers of stack release ${s.namespace}/${s.release}.${ollama.length ? ` Ollama exposes no Prometheus metrics (${ollama.join(', ')} are not shown).` : ''} Rendered by inferctl.`,
    rows,
  });
}

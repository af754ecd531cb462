import { dashboard, q, type DashboardSpec } from '../grafana.js';

/** Where the infrastructure release's LiteLLM is scraped (the ServiceMonitor adds `service`). */
export interface LitellmScope {
  uid: string;
  release: string;
  namespace: string;
  service: string;
  /** `job` label of the Gateway's Envoy proxies (their PodMonitor's namespace/name); no Gateway row without it. */
  gatewayJob?: string;
}

/** Platform overview: traffic, errors, latency, tokens and spend through LiteLLM, per model. */
export function platformOverviewDashboard(s: LitellmScope): Record<string, unknown> {
  const sel = `namespace=${q(s.namespace)},service=${q(s.service)}`;
  const requests = (extra = '') => `litellm_proxy_total_requests_metric_total{${sel}${extra}}`;
  const quantile = (p: number, metric: string, by: string) => `histogram_quantile(${p}, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket{${sel}}[5m])))`;
  const spec: DashboardSpec = {
    uid: s.uid,
    title: `LLM platform ${s.namespace}/${s.release}: overview`,
    description: `Requests, errors, latency, tokens and spend through LiteLLM (${s.namespace}/${s.service}). Rendered by inferctl.`,
    rows: [
      {
        title: 'Traffic',
        panels: [
          { title: 'Requests per second by model', unit: 'reqps', queries: [{ expr: `sum by (requested_model) (rate(${requests()}[5m]))`, legend: '{{requested_model}}' }] },
          {
            title: 'Server errors (5xx) ratio by model',
            unit: 'percentunit',
            queries: [{ expr: `sum by (requested_model) (rate(${requests(',status_code=~"5.."')}[5m])) / sum by (requested_model) (rate(${requests()}[5m]))`, legend: '{{requested_model}}' }],
          },
          {
            title: 'Request latency (all models)',
            unit: 's',
            queries: [0.5, 0.95, 0.99].map((p) => ({ expr: quantile(p, 'litellm_request_total_latency_metric', ''), legend: `p${Math.round(p * 100)}` })),
          },
          { title: 'p95 request latency by model', unit: 's', queries: [{ expr: quantile(0.95, 'litellm_request_total_latency_metric', 'requested_model'), legend: '{{requested_model}}' }] },
        ],
      },
      {
        title: 'Tokens and streaming',
        panels: [
          { title: 'Output tokens per second by model', unit: 'short', queries: [{ expr: `sum by (requested_model) (rate(litellm_output_tokens_metric_total{${sel}}[5m]))`, legend: '{{requested_model}}' }] },
          { title: 'Input tokens per second by model', unit: 'short', queries: [{ expr: `sum by (requested_model) (rate(litellm_input_tokens_metric_total{${sel}}[5m]))`, legend: '{{requested_model}}' }] },
          {
            title: 'Time to first token by model',
            unit: 's',
            queries: [0.5, 0.95].map((p) => ({ expr: quantile(p, 'litellm_llm_api_time_to_first_token_metric', 'requested_model'), legend: `{{requested_model}} p${Math.round(p * 100)}` })),
          },
          {
            title: 'Latency per output token by model (inter-token)',
            unit: 's',
            queries: [{ expr: quantile(0.95, 'litellm_deployment_latency_per_output_token', 'litellm_model_name'), legend: '{{litellm_model_name}} p95' }],
          },
        ],
      },
      {
        title: 'Spend and health',
        panels: [
          { title: 'Spend per hour by model (USD)', unit: 'currencyUSD', queries: [{ expr: `sum by (model) (increase(litellm_spend_metric_total{${sel}}[1h]))`, legend: '{{model}}' }] },
          { title: 'Failed requests by exception', unit: 'reqps', queries: [{ expr: `sum by (exception_class) (rate(litellm_proxy_failed_requests_metric_total{${sel}}[5m]))`, legend: '{{exception_class}}' }] },
          { title: 'Model backend state (0 healthy, 1 partial outage, 2 outage)', queries: [{ expr: `max by (litellm_model_name) (litellm_deployment_state{${sel}})`, legend: '{{litellm_model_name}}' }] },
          { title: 'Requests in flight', queries: [{ expr: `sum by (pod) (litellm_in_flight_requests{${sel}})`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
  if (s.gatewayJob) {
    const gw = `job=${q(s.gatewayJob)}`;
    spec.rows.push({
      title: 'Gateway (Envoy)',
      panels: [
        { title: 'Requests per second through the Gateway by response class', unit: 'reqps', queries: [{ expr: `sum by (envoy_response_code_class) (rate(envoy_cluster_upstream_rq_xx{${gw}}[5m]))`, legend: '{{envoy_response_code_class}}xx' }] },
        { title: 'Gateway upstream latency p95 by route', unit: 'ms', queries: [{ expr: `histogram_quantile(0.95, sum by (le, envoy_cluster_name) (rate(envoy_cluster_upstream_rq_time_bucket{${gw}}[5m])))`, legend: '{{envoy_cluster_name}}' }] },
      ],
    });
  }
  return dashboard(spec);
}

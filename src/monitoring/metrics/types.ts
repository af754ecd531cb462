/**
 * Catalogs of the Prometheus metrics each component of the platform exposes at the version inferctl
 * pins. They are data: dashboards and alert rules check every metric name they use against them
 * (issue 11), so a panel that names a metric no component exposes fails a test.
 *
 * Naming conventions (what a PromQL expression must use):
 * - gauge: `name` is the exposed sample name.
 * - counter: `name` is the exposed sample name exactly as scraped. Python `prometheus_client` (vLLM,
 *   SGLang, LiteLLM) and the OpenTelemetry Prometheus exporter (Envoy Gateway controller, Envoy AI
 *   Gateway, Knative) append `_total` to counters, so their counter names end in `_total`. Go
 *   `client_golang` (CNPG, KEDA, cert-manager, redis_exporter, kube-state-metrics, the endpoint picker),
 *   Envoy's own stats and llama.cpp expose a counter under the name it was registered with, which
 *   may or may not end in `_total` (for example CNPG's `cnpg_pg_stat_database_xact_commit`, Envoy's
 *   `envoy_cluster_upstream_rq_xx`). `counterTotalSuffix` on the catalog records which rule applies.
 *   Python clients also emit a `<base>_created` sample per counter and histogram; it counts nothing.
 * - histogram: `name` is the base name; the series `<name>_bucket` (label `le`), `<name>_sum` and
 *   `<name>_count` exist. Use `exposedSeries()` for the full list.
 * - summary: `name` is the base name; `<name>` (label `quantile`), `<name>_sum` and `<name>_count`.
 * - gaugehistogram: `<name>_bucket`, `<name>_gsum`, `<name>_gcount` (OpenMetrics gauge histogram).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'gaugehistogram';

/**
 * How well a name is established for the pinned version.
 * - `verified`: read in the component's source or release manifest at the pinned tag (or in a file
 *   the pinned release ships).
 * - `bracketed`: read in the component's source at an older and/or newer version than the pinned one,
 *   with no removal found in between (the exact pinned tag could not be read here).
 * - `documented`: taken from the component's own documentation (or a consumer of the metric such as
 *   a dashboard shipped by the same project), not from its source at the pinned tag.
 * - `unverified`: derived by a naming rule or from third-party material; confirm with a live scrape
 *   before an alert depends on it.
 */
export type Confidence = 'verified' | 'bracketed' | 'documented' | 'unverified';

export interface MetricDef {
  /** Exposed name; see the naming conventions above (histogram/summary: base name). */
  readonly name: string;
  readonly type: MetricType;
  /** Short description, paraphrasing the component's HELP text. */
  readonly help: string;
  /** Label names the component attaches (scrape-time labels such as `pod`, `namespace`, `job` are not listed). */
  readonly labels: readonly string[];
  /** Set when the metric only appears under a condition (a flag, a feature, a role, a first event). */
  readonly condition?: string;
  /** Set when the component itself marks the metric deprecated. */
  readonly deprecated?: string;
  /** Overrides the catalog's confidence for this metric. */
  readonly confidence?: Confidence;
  readonly note?: string;
}

/** Where and how the component serves its metrics. */
export interface ScrapeEndpoint {
  /** Container port number or port name. */
  readonly port: number | string;
  readonly path: string;
  readonly scheme: 'http' | 'https';
  /** What a scraper must present, if anything. */
  readonly auth?: string;
  /** What turns the endpoint on (flag, env, config), when it is off by default. */
  readonly enable?: string;
}

/** A name a dashboard might reach for that this component does NOT expose at the pinned version. */
export interface AbsentMetric {
  readonly name: string;
  readonly reason: string;
}

export interface MetricCatalog {
  /** Component name as shown to users, e.g. `vLLM`. */
  readonly component: string;
  /** The pinned version the catalog describes, e.g. `v0.21.0`. */
  readonly version: string;
  /** Precise source of the names: `owner/repo@tag-or-commit:path` (several separated by `; `), and docs URLs. */
  readonly source: string;
  readonly endpoint?: ScrapeEndpoint;
  /** Default confidence of the metrics below (a metric may override it). */
  readonly confidence: Confidence;
  /** `appended`: every counter's exposed name ends in `_total`; `as-registered`: see each name. */
  readonly counterTotalSuffix: 'appended' | 'as-registered' | 'none';
  /** What was verified, how, and what could not be. */
  readonly note?: string;
  readonly metrics: readonly MetricDef[];
  /** Names that do not exist at this version (removed, renamed, enterprise-only, never existed). */
  readonly absent?: readonly AbsentMetric[];
}

/** Every sample name a metric produces on a scrape (without the Python `_created` sample). */
export function exposedSeries(metric: MetricDef): string[] {
  switch (metric.type) {
    case 'histogram':
      return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
    case 'summary':
      return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
    case 'gaugehistogram':
      return [`${metric.name}_bucket`, `${metric.name}_gsum`, `${metric.name}_gcount`];
    default:
      return [metric.name];
  }
}

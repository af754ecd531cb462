import type { MetricCatalog } from './types.js';

const CLUSTER = ['envoy_cluster_name'] as const;
const HCM = ['envoy_http_conn_manager_prefix'] as const;

/**
 * The Envoy proxies Envoy Gateway v1.9.0 provisions for a Gateway (default image
 * docker.io/envoyproxy/envoy:distroless-v1.39.0). Envoy's own stats, rendered by the admin
 * `/stats/prometheus` handler: counters keep their stat name (no `_total` appended; many stat names
 * already end in `_total`), histograms are exposed as Prometheus histograms (milliseconds for `*_time`).
 */
export const envoyProxyMetrics: MetricCatalog = {
  component: 'Envoy proxy (Envoy Gateway data plane)',
  version: 'Envoy Gateway v1.9.0 (Envoy v1.39.0)',
  source:
    'envoyproxy/gateway@v1.9.0: internal/xds/bootstrap/bootstrap.go (EnvoyStatsPort = 19001), internal/infrastructure/kubernetes/proxy/resource.go (container port "metrics" 19001), resource_provider.go (prometheus.io/path /stats/prometheus), api/v1alpha1/shared_types.go (DefaultEnvoyProxyImage distroless-v1.39.0), examples/kubernetes/metric/pod-monitor.yaml, site/content/en/latest/tasks/observability/proxy-metric.md, ' +
    'charts/gateway-addons-helm/dashboards/{envoy-proxy-global,envoy-clusters}.json (names used by Envoy Gateway\'s own dashboards); https://www.envoyproxy.io/docs/envoy/latest/configuration/upstream/cluster_manager/cluster_stats, https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/stats',
  endpoint: {
    port: 'metrics (19001)',
    path: '/stats/prometheus',
    scheme: 'http',
    enable: 'on by default; EnvoyProxy spec.telemetry.metrics.prometheus.disable: true turns it off. Pod labels app.kubernetes.io/name=envoy, app.kubernetes.io/component=proxy, gateway.envoyproxy.io/owning-gateway-name/-namespace',
  },
  confidence: 'documented',
  counterTotalSuffix: 'as-registered',
  note:
    'Names come from Envoy\'s stat tree with Envoy\'s default tag extraction (cluster name -> envoy_cluster_name, HTTP connection manager prefix -> envoy_http_conn_manager_prefix, 2xx/4xx/5xx -> envoy_response_code_class). ' +
    'Most are used verbatim by Envoy Gateway v1.9.0\'s shipped Grafana dashboards; the downstream/upstream _xx and retry/timeout counters are standard Envoy stats not used in those dashboards. Envoy Gateway names clusters after the route, e.g. httproute/<ns>/<name>/rule/<n>. ' +
    'Envoy emits a series only once the stat exists (a cluster that never saw a 5xx has no envoy_response_code_class="5" series).',
  metrics: [
    { name: 'envoy_server_live', type: 'gauge', help: '1 when the server is live (not draining).', labels: [] },
    { name: 'envoy_server_uptime', type: 'gauge', help: 'Server uptime, seconds.', labels: [] },
    { name: 'envoy_server_memory_allocated', type: 'gauge', help: 'Heap memory allocated, bytes.', labels: [] },
    { name: 'envoy_server_memory_heap_size', type: 'gauge', help: 'Heap size reserved, bytes.', labels: [] },
    { name: 'envoy_http_downstream_rq_total', type: 'counter', help: 'Downstream (client) requests per HTTP connection manager.', labels: HCM },
    { name: 'envoy_http_downstream_rq_xx', type: 'counter', help: 'Downstream responses by status class (envoy_response_code_class="2"|"4"|"5"...).', labels: [...HCM, 'envoy_response_code_class'], confidence: 'unverified', note: 'Standard Envoy stat downstream_rq_<n>xx with tag extraction; not used by Envoy Gateway\'s dashboards.' },
    { name: 'envoy_http_downstream_rq_time', type: 'histogram', help: 'Downstream request time, milliseconds.', labels: HCM },
    { name: 'envoy_http_downstream_cx_total', type: 'counter', help: 'Downstream connections.', labels: HCM },
    { name: 'envoy_http_downstream_cx_rx_bytes_total', type: 'counter', help: 'Downstream bytes received.', labels: HCM },
    { name: 'envoy_http_downstream_cx_tx_bytes_total', type: 'counter', help: 'Downstream bytes sent.', labels: HCM },
    { name: 'envoy_listener_downstream_cx_active', type: 'gauge', help: 'Active downstream connections per listener.', labels: ['envoy_listener_address'] },
    { name: 'envoy_cluster_upstream_rq_total', type: 'counter', help: 'Upstream requests per cluster (route backend).', labels: CLUSTER },
    { name: 'envoy_cluster_upstream_rq_xx', type: 'counter', help: 'Upstream responses by status class.', labels: [...CLUSTER, 'envoy_response_code_class'] },
    { name: 'envoy_cluster_upstream_rq_time', type: 'histogram', help: 'Upstream request time, milliseconds.', labels: CLUSTER },
    { name: 'envoy_cluster_upstream_rq_timeout', type: 'counter', help: 'Upstream requests that timed out.', labels: CLUSTER, confidence: 'unverified' },
    { name: 'envoy_cluster_upstream_rq_retry', type: 'counter', help: 'Upstream request retries.', labels: CLUSTER },
    { name: 'envoy_cluster_upstream_cx_total', type: 'counter', help: 'Upstream connections opened.', labels: CLUSTER },
    { name: 'envoy_cluster_upstream_cx_active', type: 'gauge', help: 'Active upstream connections.', labels: CLUSTER },
    { name: 'envoy_cluster_upstream_cx_connect_fail', type: 'counter', help: 'Upstream connection failures.', labels: CLUSTER, confidence: 'unverified' },
    { name: 'envoy_cluster_upstream_cx_connect_ms', type: 'histogram', help: 'Upstream connect time, milliseconds.', labels: CLUSTER },
    { name: 'envoy_cluster_upstream_cx_rx_bytes_total', type: 'counter', help: 'Upstream bytes received.', labels: CLUSTER },
    { name: 'envoy_cluster_upstream_cx_tx_bytes_total', type: 'counter', help: 'Upstream bytes sent.', labels: CLUSTER },
    { name: 'envoy_cluster_membership_healthy', type: 'gauge', help: 'Healthy endpoints of a cluster.', labels: CLUSTER },
    { name: 'envoy_cluster_membership_total', type: 'gauge', help: 'Endpoints of a cluster.', labels: CLUSTER },
    { name: 'envoy_cluster_membership_degraded', type: 'gauge', help: 'Degraded endpoints of a cluster.', labels: CLUSTER },
    { name: 'envoy_cluster_membership_excluded', type: 'gauge', help: 'Excluded endpoints of a cluster.', labels: CLUSTER },
    { name: 'envoy_cluster_outlier_detection_ejections_active', type: 'gauge', help: 'Endpoints currently ejected by outlier detection.', labels: CLUSTER },
    { name: 'envoy_listener_ssl_certificate_expiration_unix_time_seconds', type: 'gauge', help: 'Expiry of the listener certificate, unix time.', labels: ['envoy_listener_address'], condition: 'HTTPS listener' },
  ],
};

/** The Envoy Gateway controller (image envoyproxy/gateway:v1.9.0), OpenTelemetry metrics exported in Prometheus format. */
export const envoyGatewayControllerMetrics: MetricCatalog = {
  component: 'Envoy Gateway controller',
  version: 'v1.9.0',
  source:
    'envoyproxy/gateway@v1.9.0: internal/message/metrics.go, internal/provider/kubernetes/metrics.go, internal/infrastructure/kubernetes/metrics.go, internal/xds/cache/metrics.go, internal/wasm/metrics.go, api/v1alpha1/envoygateway_types.go (GatewayMetricsPort 19001), site/content/en/latest/tasks/observability/gateway-exported-metrics.md, charts/gateway-addons-helm/dashboards/envoy-gateway-global.json',
  endpoint: { port: 19001, path: '/metrics', scheme: 'http' },
  confidence: 'verified',
  counterTotalSuffix: 'appended',
  note: 'Metric names have no prefix. Labels beyond those listed may appear (status, reason, message) as the docs say.',
  metrics: [
    { name: 'watchable_depth', type: 'gauge', help: 'Depth of a watchable queue.', labels: ['runner'] },
    { name: 'watchable_subscribe_duration_seconds', type: 'histogram', help: 'Time to handle a subscribed watchable update, seconds.', labels: ['runner', 'message'], note: 'Label set per the docs (runner) and source (message); status appears on the _total counters.' },
    { name: 'watchable_subscribe_total', type: 'counter', help: 'Subscribed watchable updates.', labels: ['runner', 'message', 'status'] },
    { name: 'watchable_publish_total', type: 'counter', help: 'Updates published to watchable queues.', labels: ['runner', 'message', 'status'] },
    { name: 'watchable_panics_recovered_total', type: 'counter', help: 'Panics recovered in the watchable infrastructure.', labels: ['runner'] },
    { name: 'watchable_event_total', type: 'counter', help: 'Runner events.', labels: ['runner', 'event_type'] },
    { name: 'status_update_total', type: 'counter', help: 'Status updates by object kind.', labels: ['kind', 'status'] },
    { name: 'status_update_duration_seconds', type: 'histogram', help: 'Status update duration, seconds.', labels: ['kind'] },
    { name: 'xds_snapshot_create_total', type: 'counter', help: 'xDS snapshot cache creates.', labels: ['status'] },
    { name: 'xds_snapshot_update_total', type: 'counter', help: 'xDS snapshot cache updates by node.', labels: ['nodeID', 'status'] },
    { name: 'xds_stream_duration_seconds', type: 'histogram', help: 'xDS stream duration, seconds.', labels: ['nodeID', 'streamID', 'isDeltaStream'] },
    { name: 'xds_nack_total', type: 'counter', help: 'xDS updates rejected (NACKed) by Envoy; alert on any increase.', labels: ['nodeID', 'typeURL'] },
    { name: 'resource_apply_total', type: 'counter', help: 'Infrastructure resources applied.', labels: ['kind', 'name', 'namespace', 'status'] },
    { name: 'resource_apply_duration_seconds', type: 'histogram', help: 'Time to apply an infrastructure resource, seconds.', labels: ['kind', 'name', 'namespace'] },
    { name: 'resource_delete_total', type: 'counter', help: 'Infrastructure resources deleted.', labels: ['kind', 'name', 'namespace', 'status'] },
    { name: 'resource_delete_duration_seconds', type: 'histogram', help: 'Time to delete an infrastructure resource, seconds.', labels: ['kind', 'name', 'namespace'] },
    { name: 'wasm_cache_entries', type: 'gauge', help: 'Wasm remote fetch cache entries.', labels: [] },
    { name: 'wasm_cache_lookup_total', type: 'counter', help: 'Wasm cache lookups.', labels: ['hit'] },
    { name: 'wasm_remote_fetch_total', type: 'counter', help: 'Wasm remote fetches and their results.', labels: [], note: 'Result label name not checked.' },
    { name: 'topology_injector_webhook_events_total', type: 'counter', help: 'Topology injector webhook events (success, failure, no-op).', labels: [], note: 'Outcome label name not checked.' },
  ],
};

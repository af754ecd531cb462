import type { MetricCatalog } from './types.js';

/**
 * Metrics every controller-runtime based operator exposes (KServe controller, KServe LocalModel
 * controller, KEDA operator, CNPG operator, Envoy AI Gateway controller, the endpoint picker's manager).
 * One catalog so that each name belongs to exactly one catalog.
 */
export const controllerRuntimeMetrics: MetricCatalog = {
  component: 'controller-runtime operators (KServe, KEDA, CNPG operator, Envoy AI Gateway controller)',
  version: 'controller-runtime as vendored by KServe v0.20.0, KEDA 2.20.2, CloudNativePG 1.30.0, Envoy AI Gateway v1.1.0',
  source:
    'kubernetes-sigs/controller-runtime:pkg/internal/controller/metrics/metrics.go (controller_runtime_reconcile_total{controller,result}, controller_runtime_reconcile_errors_total{controller}, controller_runtime_reconcile_time_seconds{controller}, controller_runtime_max_concurrent_reconciles, controller_runtime_active_workers); pkg/metrics/workqueue.go (workqueue_* with label name); ' +
    'endpoints: upstream/install/kserve/kserve-v0.20.0-no-crds.yaml (kserve-controller-manager --metrics-addr=127.0.0.1:8080 behind kube-rbac-proxy --secure-listen-address=0.0.0.0:8443, Service kserve-controller-manager-metrics-service port https 8443), upstream/install/cnpg/cnpg-1.30.0.yaml + cloudnative-pg@v1.30.0:docs/src/monitoring.md (operator metrics port "metrics" 8080, PodMonitor selector app.kubernetes.io/name: cloudnative-pg), upstream/install/keda/keda-2.20.2.yaml (operator started with --enable-prometheus-metrics=false)',
  confidence: 'documented',
  counterTotalSuffix: 'as-registered',
  note:
    'The `controller` label value is the controller name (e.g. inferenceservice, scaledobject, cluster, pooler). KServe\'s metrics are only reachable through kube-rbac-proxy on 8443 (HTTPS, bearer token with get on nonResourceURL /metrics). ' +
    'The KEDA operator in the pinned install runs with --enable-prometheus-metrics=false, so neither its keda_* nor these metrics are served unless that flag is changed (it then binds --metrics-bind-address :8080). ' +
    'Label sets were not re-read in each operator\'s vendored controller-runtime version.',
  metrics: [
    { name: 'controller_runtime_reconcile_total', type: 'counter', help: 'Reconciliations per controller and result (success, error, requeue, requeue_after).', labels: ['controller', 'result'] },
    { name: 'controller_runtime_reconcile_errors_total', type: 'counter', help: 'Reconciliation errors per controller.', labels: ['controller'] },
    { name: 'controller_runtime_reconcile_time_seconds', type: 'histogram', help: 'Reconciliation duration per controller, seconds.', labels: ['controller'] },
    { name: 'controller_runtime_max_concurrent_reconciles', type: 'gauge', help: 'Configured maximum concurrent reconciles per controller.', labels: ['controller'] },
    { name: 'controller_runtime_active_workers', type: 'gauge', help: 'Workers currently reconciling per controller.', labels: ['controller'] },
    { name: 'workqueue_depth', type: 'gauge', help: 'Current depth of a work queue.', labels: ['name'] },
    { name: 'workqueue_retries_total', type: 'counter', help: 'Retries handled by a work queue.', labels: ['name'] },
  ],
};

/** KEDA 2.20.2 operator metrics (keda_ namespace), served only when Prometheus metrics are enabled. */
export const kedaMetrics: MetricCatalog = {
  component: 'KEDA operator',
  version: '2.20.2',
  source:
    'kedacore/keda@v2.20.2: pkg/metricscollector/prommetrics.go (namespace keda; metricLabels namespace, metric, scaledObject, scaler, triggerIndex, type), cmd/operator/main.go (--enable-prometheus-metrics default true, --metrics-bind-address :8080); upstream/install/keda/keda-2.20.2.yaml (the pinned chart render passes --enable-prometheus-metrics=false)',
  endpoint: {
    port: 8080,
    path: '/metrics',
    scheme: 'http',
    enable: 'keda-operator arg --enable-prometheus-metrics=true (the pinned install sets false) and a container port for --metrics-bind-address :8080 (kedacore/charts prometheus.operator.enabled)',
  },
  confidence: 'verified',
  counterTotalSuffix: 'as-registered',
  note: 'keda_scaler_errors_total no longer exists; per-scaler errors are keda_scaler_detail_errors_total and per-ScaledObject errors keda_scaled_object_errors_total.',
  metrics: [
    { name: 'keda_build_info', type: 'gauge', help: 'Build info (1).', labels: ['version', 'git_commit', 'goversion', 'goos', 'goarch'] },
    { name: 'keda_scaler_metrics_value', type: 'gauge', help: 'Current value of each scaler\'s metric (what the HPA sees).', labels: ['namespace', 'metric', 'scaledObject', 'scaler', 'triggerIndex', 'type'] },
    { name: 'keda_scaler_metrics_latency_seconds', type: 'gauge', help: 'Latency of retrieving the scaler\'s metric, seconds.', labels: ['namespace', 'metric', 'scaledObject', 'scaler', 'triggerIndex', 'type'] },
    { name: 'keda_scaler_active', type: 'gauge', help: '1 when the scaler is active (above activation threshold).', labels: ['namespace', 'metric', 'scaledObject', 'scaler', 'triggerIndex', 'type'] },
    { name: 'keda_scaler_detail_errors_total', type: 'counter', help: 'Errors per scaler (e.g. Prometheus query failures).', labels: ['namespace', 'metric', 'scaledObject', 'scaler', 'triggerIndex', 'type'] },
    { name: 'keda_scaled_object_errors_total', type: 'counter', help: 'Errors per ScaledObject.', labels: ['namespace', 'scaledObject'] },
    { name: 'keda_scaled_object_paused', type: 'gauge', help: '1 when the ScaledObject is paused.', labels: ['namespace', 'scaledObject'] },
    { name: 'keda_scaler_empty_upstream_responses_total', type: 'counter', help: 'Empty responses from the metric source (e.g. a Prometheus query with no result).', labels: ['namespace', 'scaledResource', 'triggerName', 'metricName', 'resourceType', 'ignoreNullValues'] },
    { name: 'keda_internal_scale_loop_latency_seconds', type: 'gauge', help: 'Deviation of the scale loop from its schedule, seconds.', labels: ['namespace', 'type', 'resource'] },
    { name: 'keda_resource_registered_total', type: 'gauge', help: 'KEDA resources registered, by type.', labels: ['type', 'namespace'] },
    { name: 'keda_trigger_registered_total', type: 'gauge', help: 'Triggers registered, by type.', labels: ['type'] },
  ],
  absent: [{ name: 'keda_scaler_errors_total', reason: 'Not registered in 2.20.2 (pkg/metricscollector/prommetrics.go); use keda_scaler_detail_errors_total.' }],
};

/** cert-manager v1.17.0 controller metrics (certmanager_ namespace). */
export const certManagerMetrics: MetricCatalog = {
  component: 'cert-manager controller',
  version: 'v1.17.0',
  source:
    'cert-manager/cert-manager:pkg/metrics/metrics.go (namespace "certmanager": certificate_expiration_timestamp_seconds, certificate_renewal_timestamp_seconds, certificate_ready_status, clock_time_seconds, http_acme_client_request_count, controller_sync_call_count; read in several versions, not at the v1.17.0 tag); ' +
    'endpoint: upstream/install/cert-manager/cert-manager-v1.17.0.yaml (Services cert-manager, cert-manager-cainjector, cert-manager-webhook expose 9402; controller container port http-metrics 9402; pod annotations prometheus.io/path /metrics, prometheus.io/port 9402)',
  endpoint: { port: 'http-metrics (9402)', path: '/metrics', scheme: 'http' },
  confidence: 'bracketed',
  counterTotalSuffix: 'as-registered',
  note: 'Recent versions add issuer_name, issuer_kind, issuer_group to the certificate gauges; whether v1.17.0 has them was not checked, so alerts should not depend on those labels.',
  metrics: [
    { name: 'certmanager_certificate_ready_status', type: 'gauge', help: 'Ready condition of each Certificate, one series per condition status (True/False/Unknown) with value 1 for the current one.', labels: ['name', 'namespace', 'condition'] },
    { name: 'certmanager_certificate_expiration_timestamp_seconds', type: 'gauge', help: 'Certificate expiry, unix time.', labels: ['name', 'namespace'] },
    { name: 'certmanager_certificate_renewal_timestamp_seconds', type: 'gauge', help: 'When the certificate will be renewed, unix time.', labels: ['name', 'namespace'] },
    { name: 'certmanager_clock_time_seconds', type: 'counter', help: 'Clock time of the controller, unix seconds.', labels: [], confidence: 'unverified', note: 'Newer versions also have certmanager_clock_time_seconds_gauge.' },
    { name: 'certmanager_http_acme_client_request_count', type: 'counter', help: 'Requests made by the ACME client.', labels: ['scheme', 'host', 'path', 'method', 'status'] },
    { name: 'certmanager_controller_sync_call_count', type: 'counter', help: 'Sync calls per controller.', labels: ['controller'] },
  ],
};

/**
 * Knative Serving 1.23 (installed by the Knative Operator 1.23.0): OpenTelemetry metrics. The
 * control plane and the queue-proxy export nothing unless config-observability selects a protocol.
 */
export const knativeMetrics: MetricCatalog = {
  component: 'Knative Serving',
  version: 'knative-v1.23.0',
  source:
    'knative/serving@knative-v1.23.0: config/core/configmaps/observability.yaml (metrics-protocol and request-metrics-protocol: none (the default), prometheus, http/protobuf, grpc), pkg/autoscaler/scaling/metrics.go, pkg/reconciler/autoscaling/kpa/metrics.go, pkg/activator/metrics.go, pkg/activator/handler/metrics.go, pkg/queue/request_metric.go, pkg/autoscaler/metrics/stats_scraper.go (OTel instrument names kn.*)',
  endpoint: {
    port: 'the Prometheus exporter port of each component (knative.dev/pkg default 9090; metrics-endpoint host:port overrides) - not verified',
    path: '/metrics',
    scheme: 'http',
    enable: 'KnativeServing spec.config.observability: {"metrics-protocol": "prometheus"} (control plane: autoscaler, activator, controller) and "request-metrics-protocol": "prometheus" (queue-proxy sidecars)',
  },
  confidence: 'unverified',
  counterTotalSuffix: 'appended',
  note:
    'Instrument names were read in the source; the Prometheus names below are derived with the OTel exporter rules (dots -> underscores, unit "s" -> _seconds, brace units such as "{request}" dropped, counters get _total) and were not confirmed on a live scrape. ' +
    'Attribute-to-label names (e.g. k8s_namespace_name, kn_revision_name) were not checked; aggregate without relying on them. For "model has no ready replica" alerts prefer kube-state-metrics.',
  metrics: [
    { name: 'kn_revision_pods_desired', type: 'gauge', help: 'Pods the autoscaler wants for a revision.', labels: [] },
    { name: 'kn_revision_pods_requested', type: 'gauge', help: 'Pods requested from the deployment.', labels: [] },
    { name: 'kn_revision_pods_count', type: 'gauge', help: 'Pods of the revision.', labels: [] },
    { name: 'kn_revision_pods_not_ready_count', type: 'gauge', help: 'Pods of the revision that are not ready.', labels: [] },
    { name: 'kn_revision_pods_pending_count', type: 'gauge', help: 'Pending pods of the revision.', labels: [] },
    { name: 'kn_revision_panic_mode', type: 'gauge', help: '1 while the autoscaler is in panic mode.', labels: [] },
    { name: 'kn_revision_concurrency_stable', type: 'gauge', help: 'Stable-window average concurrency.', labels: [] },
    { name: 'kn_revision_request_concurrency', type: 'gauge', help: 'Request concurrency seen by the activator.', labels: [] },
    { name: 'kn_activator_stats_conn_errors_total', type: 'counter', help: 'Activator stats connection errors.', labels: [] },
    { name: 'kn_autoscaler_scrape_duration_seconds', type: 'histogram', help: 'Time the autoscaler takes to scrape revision stats, seconds.', labels: [] },
    { name: 'kn_serving_invocation_duration_seconds', type: 'histogram', help: 'Request duration measured by queue-proxy, seconds.', labels: [], condition: 'request-metrics-protocol: prometheus' },
    { name: 'kn_serving_queue_depth', type: 'gauge', help: 'Requests queued in queue-proxy.', labels: [], condition: 'request-metrics-protocol: prometheus' },
  ],
};

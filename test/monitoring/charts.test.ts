import { test } from 'node:test';
import assert from 'node:assert/strict';
import { images } from '../../src/charts/images.js';
import type { K8sObject } from '../../src/core/object.js';
import { MONITORING_API } from '../../src/monitoring/objects.js';
import { dashboardQueries } from '../../src/monitoring/grafana.js';
import { defaultCrdDirs, validateRender } from '../../src/validate/index.js';
import { shippedInstallDir } from '../../src/validate/paths.js';
import { container, envOf, get, render, type RenderInput } from '../helpers/render.js';
import { checkPromql } from './promql-check.js';

// issue 11, "Done when": `template` with monitoring enabled renders, for each chart, the scrape
// objects, dashboards and rules, valid against the pinned Prometheus Operator v0.93.1 CRDs, and the
// original chart's litellm-proxy.serviceMonitor.enabled / litellm-proxy.dashboards.enabled work.

const MODELS = `monitoring: {enabled: true, labels: {release: kube-prometheus-stack}}
models:
  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-0.5B-Instruct", deploymentMode: Standard, inferencePool: {enabled: true}}
  - {name: tiny, runtime: llamacpp, storageUri: "s3://models/tiny.gguf", deploymentMode: Standard}
  - {name: small, runtime: ollama, modelTag: "qwen3:4b"}
  - {name: coder, runtime: sglang, storageUri: "hf://Qwen/Qwen2.5-Coder-7B-Instruct", minReplicas: 1}
`;

function renderAndValidate(input: RenderInput, crdDirs?: string[]) {
  const r = render(input);
  const objects = r.objects.map((o) => o.object);
  const report = validateRender(objects, { provided: r.result.provided, crdDirs, exemptions: r.result.podSecurityExemptions });
  assert.ok(report.ok, report.summary());
  return r;
}

const monitoringKinds = (objects: K8sObject[]) => objects.filter((o) => o.apiVersion === MONITORING_API).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort();
const dashboards = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');

function litellmConfig(cm: K8sObject): string {
  const text = (cm.data as Record<string, string>)['config.yaml'];
  assert.ok(text, 'config.yaml');
  return text;
}

/** The dashboard model a sidecar ConfigMap carries (one <name>.json file). */
function dashboardJson(cm: K8sObject): any {
  return JSON.parse((cm.data as Record<string, string>)[`${cm.metadata.name}.json`]);
}

/** Every PromQL expression of the rendered dashboards and rules, checked against the metric catalogs. */
function checkRenderedPromql(objects: K8sObject[]): number {
  const exprs = [
    ...dashboards(objects).flatMap((cm) => Object.values(cm.data as Record<string, string>).flatMap((json) => dashboardQueries(JSON.parse(json)))),
    ...objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => (o.spec as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((g) => g.rules.map((x) => x.expr))),
  ];
  assert.deepEqual(exprs.flatMap(checkPromql), []);
  return exprs.length;
}

test('infrastructure, monitoring.enabled: every component scraped, both dashboards and the rules, all valid against the pinned CRDs', () => {
  const r = renderAndValidate({ options: { values: ['monitoring.enabled=true'], stringValues: ['monitoring.labels.release=kube-prometheus-stack'] } });
  const objects = r.objects.map((o) => o.object);
  assert.deepEqual(monitoringKinds(objects), [
    'PodMonitor/default/infra-gateway-envoy',
    'PodMonitor/default/infra-postgresql',
    'PodMonitor/default/infra-postgresql-poolers',
    'PodMonitor/default/infra-valkey',
    'PrometheusRule/default/infra-alerts',
    'ServiceMonitor/default/infra-litellm-proxy',
  ]);
  for (const o of objects.filter((x) => x.apiVersion === MONITORING_API)) assert.equal(o.metadata.labels?.release, 'kube-prometheus-stack', `${o.kind} ${o.metadata.name}`);
  assert.deepEqual(dashboards(objects).map((d) => [d.metadata.name, d.metadata.annotations?.grafana_folder]), [
    ['infra-dashboard-data-path', 'LLM Platform'],
    ['infra-litellm-proxy-dashboard-litellm', 'LLM Platform'],
  ]);
  assert.deepEqual(r.result.requiredApis?.map((a) => a.crd), ['servicemonitors.monitoring.coreos.com', 'podmonitors.monitoring.coreos.com', 'prometheusrules.monitoring.coreos.com']);
  const n = checkRenderedPromql(objects);
  assert.ok(n >= 30, `${n} expressions`);

  // Envoy Gateway v1.9 runs the proxies in its own namespace, labelled with the Gateway they serve.
  const envoy = r.find('PodMonitor', 'infra-gateway-envoy');
  assert.deepEqual(get(envoy, 'spec.namespaceSelector.matchNames'), ['envoy-gateway-system']);
  assert.equal(get(envoy, 'spec.selector.matchLabels')['gateway.envoyproxy.io/owning-gateway-name'], 'infra-gateway');
  assert.equal(get(envoy, 'spec.selector.matchLabels')['gateway.envoyproxy.io/owning-gateway-namespace'], 'default');
  assert.equal(get(envoy, 'spec.podMetricsEndpoints.0.path'), '/stats/prometheus');
  assert.deepEqual(get(r.find('PodMonitor', 'infra-postgresql'), 'spec.selector.matchLabels'), { 'cnpg.io/cluster': 'infra-postgresql', 'cnpg.io/podRole': 'instance' });
  assert.equal(get(r.find('Cluster', 'infra-postgresql'), 'spec.monitoring'), undefined, "CNPG's deprecated enablePodMonitor stays off");
});

test('infrastructure: the Valkey exporter sidecar is pinned, restricted, and reads the password from the auth Secret', () => {
  const r = render({ options: { values: ['monitoring.enabled=true'] } });
  for (const name of ['infra-valkey-primary', 'infra-valkey-replica']) {
    const c = container(r.find('Deployment', name), 'metrics');
    assert.equal(c.image, `${images.redisExporter.repository}:${images.redisExporter.tag}`);
    assert.equal(c.image, 'ghcr.io/oliver006/redis_exporter:v1.88.0');
    assert.deepEqual(envOf(c).REDIS_PASSWORD, { secretKeyRef: { name: 'infra-valkey-auth', key: 'default-password' } });
    assert.equal(envOf(c).REDIS_ADDR, 'redis://localhost:6379');
    assert.deepEqual(c.ports, [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }]);
    assert.equal(c.securityContext.runAsUser, 59000);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  }
  // Without monitoring there is no sidecar.
  assert.equal(container(render().find('Deployment', 'infra-valkey-primary'), 'metrics'), undefined);
});

test('infrastructure: LiteLLM is scraped on its own unauthenticated port, never through the Gateway, with the callback on', () => {
  const r = render({ options: { values: ['monitoring.enabled=true'] }, files: { 'l.yaml': 'litellm-proxy: {litellm: {litellmSettings: {callbacks: [langfuse]}}}\n' } });
  const proxy = container(r.find('Deployment', 'infra-litellm-proxy'));
  assert.deepEqual(proxy.command.slice(-2), ['--prometheus_metrics_port', '4001']);
  assert.equal(envOf(proxy).PROMETHEUS_MULTIPROC_DIR, '/tmp/prometheus-multiproc');
  assert.ok(proxy.ports.some((p: any) => p.name === 'metrics' && p.containerPort === 4001));
  const config = litellmConfig(r.find('ConfigMap', 'infra-litellm-proxy-config'));
  assert.match(config, /callbacks:\n\s+- langfuse\n\s+- prometheus/, 'the user\'s callbacks are kept, prometheus added');
  assert.doesNotMatch(config, /require_auth_for_metrics_endpoint/, '/metrics on the proxy port keeps requiring a key');
  const metrics = r.find('Service', 'infra-litellm-proxy-metrics');
  assert.equal(get(metrics, 'spec.type'), 'ClusterIP');
  assert.deepEqual(get(metrics, 'spec.ports'), [{ name: 'metrics', port: 4001, targetPort: 'metrics', protocol: 'TCP' }]);
  assert.ok(!get(r.find('Service', 'infra-litellm-proxy'), 'spec.ports').some((p: any) => p.port === 4001), 'the routed Service has no metrics port');
  const sm = r.find('ServiceMonitor', 'infra-litellm-proxy');
  assert.deepEqual(get(sm, 'spec.selector.matchLabels'), { 'app.kubernetes.io/name': 'litellm-proxy', 'app.kubernetes.io/instance': 'infra', 'app.kubernetes.io/component': 'metrics' });
  for (const [k, v] of Object.entries(get(sm, 'spec.selector.matchLabels') as Record<string, string>)) assert.equal(get(metrics, 'metadata.labels')[k], v);
  assert.deepEqual(get(sm, 'spec.endpoints'), [{ port: 'metrics', path: '/metrics/', scheme: 'http', interval: '15s', scrapeTimeout: '10s' }]);
});

test('infrastructure: the original litellm-proxy.serviceMonitor.enabled=true alone scrapes LiteLLM only', () => {
  const r = renderAndValidate({ options: { values: ['litellm-proxy.serviceMonitor.enabled=true'], stringValues: ['litellm-proxy.serviceMonitor.interval=30s', 'litellm-proxy.serviceMonitor.scrapeTimeout=20s'] } });
  const objects = r.objects.map((o) => o.object);
  assert.deepEqual(monitoringKinds(objects), ['ServiceMonitor/default/infra-litellm-proxy']);
  assert.deepEqual(get(r.find('ServiceMonitor', 'infra-litellm-proxy'), 'spec.endpoints.0.interval'), '30s');
  assert.deepEqual(get(r.find('ServiceMonitor', 'infra-litellm-proxy'), 'spec.endpoints.0.scrapeTimeout'), '20s');
  assert.ok(r.has('Service', 'infra-litellm-proxy-metrics'));
  assert.equal(dashboards(objects).length, 0);
  assert.equal(container(r.find('Deployment', 'infra-valkey-primary'), 'metrics'), undefined);
  assert.deepEqual(r.result.requiredApis?.map((a) => [a.crd, a.why]), [['servicemonitors.monitoring.coreos.com', 'litellm-proxy.serviceMonitor.enabled=true']]);
});

test('infrastructure: the original litellm-proxy.dashboards.enabled=true alone renders the LiteLLM dashboard in its folder, and needs no CRD', () => {
  const r = renderAndValidate({ options: { values: ['litellm-proxy.dashboards.enabled=true'], stringValues: ['litellm-proxy.dashboards.folderAnnotation=Inference'] } });
  const objects = r.objects.map((o) => o.object);
  assert.deepEqual(monitoringKinds(objects), []);
  const [cm] = dashboards(objects);
  assert.equal(cm.metadata.name, 'infra-litellm-proxy-dashboard-litellm');
  assert.equal(cm.metadata.annotations?.grafana_folder, 'Inference');
  const model = dashboardJson(cm);
  assert.match(model.title, /overview/);
  assert.deepEqual(r.result.requiredApis, []);
  assert.ok(checkRenderedPromql(objects) >= 12);
});

test('infrastructure defaults: no monitoring object, no metrics port, no callback, no CRD required', () => {
  const r = render();
  const objects = r.objects.map((o) => o.object);
  assert.deepEqual(monitoringKinds(objects), []);
  assert.equal(dashboards(objects).length, 0);
  assert.ok(!r.has('Service', 'infra-litellm-proxy-metrics'));
  assert.doesNotMatch(litellmConfig(r.find('ConfigMap', 'infra-litellm-proxy-config')), /prometheus/);
  assert.deepEqual(r.result.requiredApis, []);
});

test('infrastructure: the dashboards and alerts use the budgets the capacity check computed', () => {
  const r = render({
    options: { values: ['monitoring.enabled=true'] },
    files: { 'p.yaml': 'postgresql:\n  cluster: {parameters: {max_connections: "300"}}\n  poolers:\n    - {name: rw, instances: 3, parameters: {default_pool_size: "40", reserve_pool_size: "5", max_client_conn: "500", max_prepared_statements: "200"}}\n    - {name: ro, type: ro, instances: 1, parameters: {default_pool_size: "20", max_client_conn: "200"}}\n' },
  });
  const data = dashboardJson(r.find('ConfigMap', 'infra-dashboard-data-path'));
  const titles = (data.panels as { title: string }[]).map((p) => p.title);
  assert.ok(titles.includes('infra-postgresql-pooler: client connections (budget 1500)'), titles.join('\n'));
  assert.ok(titles.includes('infra-postgresql-pooler: server connections (budget 135)'));
  assert.ok(titles.includes('infra-postgresql-pooler-ro: client connections (budget 200)'));
  assert.ok(titles.includes('Connections per instance (max_connections 300)'));
  const rules = (get(r.find('PrometheusRule', 'infra-alerts'), 'spec.groups.0.rules') as { alert: string; expr: string }[]);
  assert.ok(rules.some((x) => x.alert === 'PgBouncerClientConnectionsNearBudget' && x.expr.endsWith('> 1275')), '85% of 3 x 500');
  assert.ok(rules.some((x) => x.alert === 'PgBouncerServerConnectionsNearBudget' && x.expr.endsWith('> 114')), '85% of 3 x (40 + 5)');
  // Each pooler's selector matches its own pods only: "x" never matches the pods of "x-ro".
  const rw = /pod=~"([^"]+)"/.exec(rules.find((x) => x.alert === 'PgBouncerClientConnectionsNearBudget')!.expr)![1];
  const re = new RegExp(`^(?:${rw})$`);
  assert.ok(re.test('infra-postgresql-pooler-5d9c7b8f4-x2x7q'));
  assert.ok(!re.test('infra-postgresql-pooler-ro-5d9c7b8f4-x2x7q'));
});

test('infrastructure: values that cannot be scraped are refused with the key and the fix', () => {
  assert.throws(() => render({ options: { values: ['litellm-proxy.serviceMonitor.enabled=true'], stringValues: ['litellm-proxy.serviceMonitor.scrapeTimeout=30s'] } }), /key litellm-proxy\.serviceMonitor\.scrapeTimeout.*30s is longer than the scrape interval 15s.*at most the interval/);
  assert.throws(() => render({ options: { values: ['monitoring.enabled=true', 'postgresql.cluster.enablePodMonitor=true'] } }), /key postgresql\.cluster\.enablePodMonitor.*second time.*enablePodMonitor=false/);
  assert.throws(() => render({ options: { stringValues: ['monitoring.interval=30 seconds'] } }), /monitoring\.interval/);
});

test('stack, monitoring.enabled: a PodMonitor of the model servers (not Ollama), a ServiceMonitor of the pickers, the models dashboard and rules, valid', () => {
  const r = renderAndValidate({ chart: 'inference-stack', release: 'stack', files: { 'm.yaml': MODELS } });
  const objects = r.objects.map((o) => o.object);
  assert.deepEqual(monitoringKinds(objects), ['PodMonitor/default/stack-models', 'PrometheusRule/default/stack-alerts', 'ServiceMonitor/default/stack-endpoint-pickers']);
  const pm = r.find('PodMonitor', 'stack-models');
  assert.deepEqual(get(pm, 'spec.selector'), { matchLabels: { component: 'predictor' }, matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'In', values: ['stack-qwen', 'stack-tiny', 'stack-coder'] }] });
  assert.deepEqual(get(pm, 'spec.podMetricsEndpoints'), [{ portNumber: 8080, path: '/metrics', scheme: 'http', interval: '30s' }]);
  assert.equal(pm.metadata.labels?.release, 'kube-prometheus-stack');
  assert.deepEqual(get(r.find('ServiceMonitor', 'stack-endpoint-pickers'), 'spec.endpoints'), [{ port: 'http-metrics', path: '/metrics', scheme: 'http', interval: '30s' }]);
  // The picker Service the ServiceMonitor selects has that port.
  assert.ok(get(r.find('Service', 'stack-qwen-epp'), 'spec.ports').some((p: any) => p.name === 'http-metrics'));
  const [dash] = dashboards(objects);
  assert.equal(dash.metadata.name, 'stack-dashboard-models');
  assert.match(dashboardJson(dash).description, /Ollama exposes no Prometheus metrics \(small/);
  assert.deepEqual(r.result.requiredApis?.map((a) => a.kind), ['ServiceMonitor', 'PodMonitor', 'PrometheusRule']);
  assert.ok(checkRenderedPromql(objects) > 20);
  // The llama.cpp runtime has its metrics flag.
  assert.equal(get(r.find('ServingRuntime', 'stack-llamacpp'), 'spec.containers.0.env').find((e: any) => e.name === 'LLAMA_ARG_ENDPOINT_METRICS')?.value, '1');
});

test('stack: no models, no dashboard; monitoring off, nothing', () => {
  const on = render({ chart: 'inference-stack', release: 'stack', options: { values: ['monitoring.enabled=true'] } });
  assert.deepEqual(monitoringKinds(on.objects.map((o) => o.object)), []);
  assert.equal(dashboards(on.objects.map((o) => o.object)).length, 0);
  const off = render({ chart: 'inference-stack', release: 'stack', files: { 'm.yaml': MODELS.replace('enabled: true, labels', 'enabled: false, labels') } });
  assert.deepEqual(monitoringKinds(off.objects.map((o) => o.object)), []);
  assert.deepEqual(off.result.requiredApis, []);
});

test("operators, monitoring.enabled: the controllers' PodMonitors and KServe's metrics reader, valid against the pinned CRDs", () => {
  const r = renderAndValidate({ chart: 'inference-operators', release: 'operators', options: { values: ['monitoring.enabled=true'] } }, [...defaultCrdDirs(), shippedInstallDir()]);
  const objects = r.objects.map((o) => o.object);
  assert.deepEqual(monitoringKinds(objects), [
    'PodMonitor/cert-manager/operators-cert-manager',
    'PodMonitor/cnpg-system/operators-cnpg-operator',
    'PodMonitor/envoy-gateway-system/operators-envoy-gateway',
    'PodMonitor/kserve/operators-kserve-controller',
  ]);
  const kserve = r.find('PodMonitor', 'operators-kserve-controller');
  assert.deepEqual(get(kserve, 'spec.podMetricsEndpoints.0'), {
    port: 'https',
    path: '/metrics',
    scheme: 'https',
    interval: '30s',
    authorization: { type: 'Bearer', credentials: { name: 'operators-kserve-metrics-reader', key: 'token' } },
    tlsConfig: { insecureSkipVerify: true },
  });
  const token = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'operators-kserve-metrics-reader')!;
  assert.equal((token as any).type, 'kubernetes.io/service-account-token');
  assert.equal((token as any).data, undefined, 'the token controller fills it; nothing secret is rendered');
  assert.deepEqual(get(r.find('ClusterRole', 'operators-kserve-metrics-reader'), 'rules'), [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
  // Every selector matches a pod template of the upstream manifests, on a port it declares.
  for (const pm of objects.filter((o) => o.kind === 'PodMonitor')) {
    const match = get(pm, 'spec.selector.matchLabels') as Record<string, string>;
    const port = get(pm, 'spec.podMetricsEndpoints.0.port');
    const pods = objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === pm.metadata.namespace && Object.entries(match).every(([k, v]) => get(o, 'spec.template.metadata.labels')?.[k] === v));
    assert.equal(pods.length, 1, `${pm.metadata.name} selects one Deployment`);
    assert.ok((get(pods[0], 'spec.template.spec.containers') as any[]).some((c) => (c.ports ?? []).some((p: any) => p.name === port)), `${pm.metadata.name}: port ${port}`);
  }
  const off = render({ chart: 'inference-operators', release: 'operators', options: { values: ['monitoring.enabled=true', 'kserve.enabled=false'] } });
  assert.ok(!off.has('Secret', 'operators-kserve-metrics-reader'));
});

test('the validator really checks the scrape objects against the CRDs', () => {
  const r = render({ options: { values: ['monitoring.enabled=true'] } });
  const objects = r.objects.map((o) => structuredClone(o.object));
  const sm = objects.find((o) => o.kind === 'ServiceMonitor')!;
  (sm.spec as any).endpoints[0].intervall = '15s';
  (sm.spec as any).endpoints[0].interval = '15 seconds';
  const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
  (rule.spec as any).groups[0].rules[0].for = 'ten minutes';
  const report = validateRender(objects, { provided: r.result.provided });
  assert.equal(report.ok, false);
  assert.match(report.summary(), /intervall/);
  assert.match(report.summary(), /15 seconds/);
  assert.match(report.summary(), /ten minutes/);
});

test('infrastructure: monitoring with the documented configurations (external databases, one instance, no replicas, no Gateway) stays valid', () => {
  const externalDb = 'postgresql: {enabled: false}\nvalkey: {enabled: false}\nlitellm-proxy:\n  database: {host: pg.example.svc, passwordSecretName: my-postgres-secret}\n  cache: {host: redis.example.svc, passwordSecretName: my-redis-secret}\n';
  const cases: RenderInput[] = [
    { files: { 'e.yaml': externalDb } },
    { options: { values: ['postgresql.cluster.instances=1', 'valkey.replica.replicaCount=0', 'networking-layer.envoyGateway.enabled=false', 'litellm-proxy.autoscaling.enabled=true'] } },
    { release: 'platform', namespace: 'llm', options: { values: ['litellm-proxy.enabled=false'] } },
  ];
  for (const input of cases) {
    const r = renderAndValidate({ ...input, options: { ...input.options, values: [...(input.options?.values ?? []), 'monitoring.enabled=true'] } });
    checkRenderedPromql(r.objects.map((o) => o.object));
  }
  const ext = render({ files: { 'e.yaml': externalDb }, options: { values: ['monitoring.enabled=true'] } });
  assert.deepEqual(monitoringKinds(ext.objects.map((o) => o.object)), ['PodMonitor/default/infra-gateway-envoy', 'PrometheusRule/default/infra-alerts', 'ServiceMonitor/default/infra-litellm-proxy']);
  assert.ok(!ext.has('ConfigMap', 'infra-dashboard-data-path'), 'nothing of the data path is ours to show');
  const noReplicas = render({ options: { values: ['monitoring.enabled=true', 'valkey.replica.replicaCount=0'] } });
  assert.ok(!(get(noReplicas.find('PrometheusRule', 'infra-alerts'), 'spec.groups.0.rules') as { alert: string }[]).some((x) => x.alert === 'ValkeyReplicationLinkDown'));
});

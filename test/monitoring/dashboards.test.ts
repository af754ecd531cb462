import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infrastructureAlerts, stackAlerts } from '../../src/monitoring/alerts.js';
import { dataPathDashboard } from '../../src/monitoring/dashboards/data-path.js';
import { modelsDashboard } from '../../src/monitoring/dashboards/models.js';
import { platformOverviewDashboard } from '../../src/monitoring/dashboards/platform.js';
import { dashboardQueries } from '../../src/monitoring/grafana.js';
import { checkPromql } from './promql-check.js';

const overview = platformOverviewDashboard({ uid: 'u1', release: 'infra', namespace: 'llm', service: 'infra-litellm-proxy-metrics', gatewayJob: 'llm/infra-gateway-envoy' });
const dataPath = dataPathDashboard({ uid: 'u2', release: 'infra', namespace: 'llm', cluster: 'infra-postgresql', poolers: [{ name: 'infra-postgresql-pooler', clientBudget: 2000, serverBudget: 100 }], maxConnections: 200, valkeyDeployments: ['infra-valkey-primary', 'infra-valkey-replica'] });
const models = modelsDashboard({
  uid: 'u3',
  release: 'stack',
  namespace: 'models',
  models: [
    { servedModelName: 'qwen', runtime: 'vllm', isvc: 'stack-qwen', pool: 'stack-qwen-pool' },
    { servedModelName: 'big', runtime: 'sglang', isvc: 'stack-big' },
    { servedModelName: 'tiny', runtime: 'llamacpp', isvc: 'stack-tiny' },
    { servedModelName: 'small', runtime: 'ollama', isvc: 'stack-small' },
  ],
});
const infraRules = infrastructureAlerts({ release: 'infra', namespace: 'llm', litellmService: 'infra-litellm-proxy', migrationJob: 'infra-litellm-proxy-migration', cluster: 'infra-postgresql', poolers: [{ name: 'infra-postgresql-pooler', clientBudget: 2000, serverBudget: 100 }], maxConnections: 200, valkeyDeployments: ['infra-valkey-primary', 'infra-valkey-replica'], valkeyReplicas: 2 });
const stackRules = stackAlerts({ release: 'stack', namespace: 'models', waitingThreshold: 10, models: [{ servedModelName: 'qwen', runtime: 'vllm', isvc: 'stack-qwen', knative: false, scalesToZero: false }, { servedModelName: 'big', runtime: 'sglang', isvc: 'stack-big', knative: true, scalesToZero: true }] });

const expressions = [
  ...[overview, dataPath, models].flatMap(dashboardQueries),
  ...[...infraRules, ...stackRules].flatMap((g) => g.rules.map((r) => r.expr)),
];

test('every dashboard and alert expression parses as PromQL and names only metrics and labels the pinned components expose', () => {
  assert.ok(expressions.length > 50, `${expressions.length} expressions`);
  const problems = expressions.flatMap(checkPromql);
  assert.deepEqual(problems, []);
});

test('the checker fails on what it must catch: a syntax error, a removed metric, a wrong label, a wrong grouping label', () => {
  assert.match(checkPromql('sum(rate(vllm:num_requests_waiting[5m])')[0].problem, /syntax error/);
  assert.match(checkPromql('vllm:gpu_cache_usage_perc > 0.9')[0].problem, /no component exposes vllm:gpu_cache_usage_perc/);
  assert.match(checkPromql('litellm_proxy_total_requests_metric_total{model="x"}')[0].problem, /has no label "model"/);
  assert.match(checkPromql('sum by (model) (rate(litellm_proxy_total_requests_metric_total[5m]))')[0].problem, /grouping by "model"/);
  assert.deepEqual(checkPromql('histogram_quantile(0.9, sum by (le, model_name) (rate(vllm:time_to_first_token_seconds_bucket{namespace="x"}[5m])))'), []);
});

test('dashboards: the three of the issue, each panel on the grid with a query, budgets as threshold lines', () => {
  for (const d of [overview, dataPath, models]) {
    const panels = (d.panels as { type: string; gridPos: { w: number; x: number }; targets?: unknown[] }[]).filter((p) => p.type !== 'row');
    assert.ok(panels.length >= 6, String(d.title));
    for (const p of panels) {
      assert.ok(p.targets && p.targets.length > 0);
      assert.ok(p.gridPos.x + p.gridPos.w <= 24);
    }
  }
  const titles = (d: Record<string, unknown>) => (d.panels as { title: string }[]).map((p) => p.title).join('\n');
  assert.match(titles(overview), /Requests per second[\s\S]*5xx[\s\S]*latency[\s\S]*tokens per second[\s\S]*first token[\s\S]*inter-token[\s\S]*Spend/i);
  assert.match(titles(overview), /through the Gateway by response class/);
  assert.match(titles(models), /KV-cache[\s\S]*Prefix-cache hit rate[\s\S]*Time to first token[\s\S]*Inter-token[\s\S]*Ready endpoints/);
  assert.match(titles(dataPath), /client connections \(budget 2000\)[\s\S]*max_connections 200[\s\S]*Cache hit rate[\s\S]*Replication/);
  const budget = (dataPath.panels as { title: string; fieldConfig?: { defaults: { thresholds?: { steps: { value: number | null }[] } } } }[]).find((p) => p.title.includes('client connections'))!;
  assert.equal(budget.fieldConfig!.defaults.thresholds!.steps[1].value, 2000);
  assert.match(String(models.description), /Ollama exposes no Prometheus metrics \(small/);
});

test('alerts: the rules the issue lists, each with a runbook command', () => {
  const names = [...infraRules, ...stackRules].flatMap((g) => g.rules.map((r) => r.alert));
  for (const a of ['LiteLLMHighServerErrorRatio', 'ModelHasNoReadyReplica', 'ModelRequestsWaiting', 'ModelKVCacheNearlyFull', 'PgBouncerClientConnectionsNearBudget', 'PostgreSQLConnectionsNearMax', 'ValkeyReplicationLinkDown', 'LiteLLMMigrationJobFailed']) {
    assert.ok(names.includes(a), a);
  }
  for (const r of [...infraRules, ...stackRules].flatMap((g) => g.rules)) assert.match(r.annotations.runbook, /\b(inferctl|kubectl) /, r.alert);
  const pooler = infraRules[0].rules.find((r) => r.alert === 'PgBouncerClientConnectionsNearBudget')!;
  assert.match(pooler.expr, /> 1700$/, '85% of the 2000-client budget');
  // A model that scales to zero is not "down" when it has no replica.
  assert.doesNotMatch(stackRules[0].rules.find((r) => r.alert === 'ModelHasNoReadyReplica')!.expr, /stack-big/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allMetricCatalogs, exposedSeries, findMetric } from '../../src/monitoring/metrics/index.js';

/** Prometheus data model: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* (no __ prefix). */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

test('every catalog names its component, version and a precise source', () => {
  assert.ok(allMetricCatalogs.length >= 10);
  for (const c of allMetricCatalogs) {
    assert.ok(c.component.trim(), 'component');
    assert.ok(c.version.trim(), `${c.component}: version`);
    assert.ok(c.source.trim().length > 20, `${c.component}: source`);
    // A source names a repository (owner/repo@ref or owner/repo:path) or a documentation URL.
    assert.match(c.source, /[\w.-]+\/[\w.-]+[@:]|https:\/\//, `${c.component}: source must name a repository or URL`);
  }
});

test('metric and label names are valid Prometheus names and unique within each catalog', () => {
  for (const c of allMetricCatalogs) {
    const seen = new Set<string>();
    for (const m of c.metrics) {
      assert.match(m.name, METRIC_NAME, `${c.component}: bad metric name ${m.name}`);
      assert.ok(!seen.has(m.name), `${c.component}: duplicate ${m.name}`);
      seen.add(m.name);
      assert.ok(m.help.trim(), `${c.component}: ${m.name} has no help`);
      assert.equal(new Set(m.labels).size, m.labels.length, `${c.component}: ${m.name} repeats a label`);
      for (const l of m.labels) {
        assert.match(l, LABEL_NAME, `${c.component}: ${m.name} bad label ${l}`);
        assert.ok(!l.startsWith('__'), `${c.component}: ${m.name} reserved label ${l}`);
        assert.notEqual(l, 'le', `${c.component}: ${m.name} declares le (histogram-only)`);
      }
    }
    for (const a of c.absent ?? []) {
      assert.match(a.name, METRIC_NAME, `${c.component}: bad absent name ${a.name}`);
      assert.ok(!seen.has(a.name), `${c.component}: ${a.name} is both exposed and absent`);
      assert.ok(a.reason.trim(), `${c.component}: ${a.name} absent without reason`);
    }
  }
});

test('a metric name belongs to exactly one catalog, and no exposed series collides with another metric', () => {
  const owner = new Map<string, string>();
  for (const c of allMetricCatalogs) {
    for (const m of c.metrics) {
      for (const series of exposedSeries(m)) {
        const previous = owner.get(series);
        assert.equal(previous, undefined, `${series} (${c.component}) already exposed by ${previous}`);
        owner.set(series, c.component);
      }
    }
  }
});

test('counter names follow the catalog suffix rule', () => {
  for (const c of allMetricCatalogs) {
    if (c.counterTotalSuffix !== 'appended') continue;
    for (const m of c.metrics.filter((x) => x.type === 'counter')) {
      assert.ok(m.name.endsWith('_total'), `${c.component}: counter ${m.name} must end in _total`);
    }
  }
});

test('histogram base names are listed without the _bucket/_sum/_count suffix', () => {
  for (const c of allMetricCatalogs) {
    for (const m of c.metrics.filter((x) => x.type === 'histogram' || x.type === 'summary')) {
      assert.doesNotMatch(m.name, /_(bucket|sum|count)$/, `${c.component}: ${m.name}`);
    }
  }
  const ttft = findMetric('vllm:time_to_first_token_seconds');
  assert.deepEqual(exposedSeries(ttft!.metric), [
    'vllm:time_to_first_token_seconds_bucket',
    'vllm:time_to_first_token_seconds_sum',
    'vllm:time_to_first_token_seconds_count',
  ]);
});

test('the names issue 11 relies on exist, and known-removed names do not', () => {
  for (const name of [
    'vllm:num_requests_waiting',
    'vllm:kv_cache_usage_perc',
    'vllm:inter_token_latency_seconds',
    'sglang:num_queue_reqs',
    'llamacpp:requests_deferred',
    'litellm_proxy_total_requests_metric_total',
    'litellm_request_total_latency_metric',
    'llm_d_epp_average_kv_cache_utilization',
    'inference_pool_average_kv_cache_utilization',
    'envoy_cluster_upstream_rq_total',
    'gen_ai_client_token_usage',
    'redis_master_link_up',
    'cnpg_pgbouncer_pools_cl_active',
    'cnpg_backends_total',
    'cnpg_pg_settings_setting',
    'kube_deployment_status_replicas_available',
    'kube_job_status_failed',
  ]) {
    assert.ok(findMetric(name), `${name} missing`);
  }
  for (const name of ['vllm:gpu_cache_usage_perc', 'vllm:time_per_output_token_seconds', 'keda_scaler_errors_total']) {
    assert.equal(findMetric(name), undefined, `${name} must not be listed as exposed`);
  }
  const ollama = allMetricCatalogs.find((c) => c.component === 'Ollama');
  assert.equal(ollama?.metrics.length, 0);
  assert.ok(ollama?.note);
});

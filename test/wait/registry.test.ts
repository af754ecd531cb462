import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { evaluateReadiness, evaluateReadinessAsync, kindRuleFor, readinessRuleFor, readinessRules } from '../../src/wait/registry.js';
import { fakeCluster, loadFixture } from './helpers.js';

const obj = (apiVersion: string, kind: string, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ns' },
  ...extra,
});

test('rules are found by group and kind; unknown kinds get the generic rule', () => {
  assert.equal(readinessRuleFor(obj('apps/v1', 'Deployment')).id, 'apps/Deployment');
  assert.equal(readinessRuleFor(obj('v1', 'Service')).id, 'core/Service');
  assert.equal(readinessRuleFor(obj('serving.knative.dev/v1', 'Service')).id, 'serving.knative.dev/Service');
  assert.equal(readinessRuleFor(obj('gateway.networking.k8s.io/v1beta1', 'Gateway')).id, 'gateway.networking.k8s.io/Gateway');
  assert.equal(readinessRuleFor(obj('example.com/v1', 'Deployment')).id, 'generic');
  assert.equal(readinessRuleFor(obj('v1', 'ConfigMap')).id, 'generic');
  const annotated = obj('apps/v1', 'Deployment');
  annotated.metadata.annotations = { 'inferctl.io/wait-for': 'condition=Available' };
  assert.equal(readinessRuleFor(annotated).id, 'custom(apps/Deployment)');
  assert.equal(kindRuleFor(annotated).id, 'apps/Deployment');
});

test('rule ids are unique and each rule matches its own kind', () => {
  const ids = readinessRules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of readinessRules) {
    const [group, kind] = r.id.split('/');
    assert.ok(r.matches(obj(group === 'core' ? 'v1' : `${group}/v1`, kind)), r.id);
  }
});

test('an object being deleted is never ready', () => {
  const { subject } = loadFixture('deployment/rolled-out.yaml');
  subject.metadata.deletionTimestamp = '2026-08-20T11:00:00Z';
  assert.deepEqual(evaluateReadiness(subject, fakeCluster([])), {
    state: 'progressing',
    message: 'Deployment infra/infra-litellm-proxy: is being deleted',
  });
});

test('the async variant fetches concurrently and judges the same way', async () => {
  const { subject, cluster } = loadFixture('deployment/image-pull-backoff.yaml');
  const sync = evaluateReadiness(subject, fakeCluster(cluster));
  const fetch = fakeCluster(cluster);
  const async = await evaluateReadinessAsync(subject, async (q) => fetch(q));
  assert.deepEqual(async, sync);
});

test('no rule throws on malformed status, and each says something about the object', () => {
  const junk: unknown[] = [undefined, 'x', 7, [], { conditions: 'no', replicas: '3', phase: 4, parents: [1], listeners: {}, modelStatus: [] }];
  for (const rule of readinessRules) {
    const [group, kind] = rule.id.split('/');
    for (const status of junk) {
      const o = obj(group === 'core' ? 'v1' : `${group}/v1`, kind, { status, spec: status });
      const related = (rule.related?.(o) ?? []).map(() => [o]);
      const r = rule.evaluate(o, related);
      assert.ok(['ready', 'progressing', 'failed'].includes(r.state), rule.id);
      assert.ok(r.message.startsWith(`${kind} ns/x: `), `${rule.id}: ${r.message}`);
    }
  }
});

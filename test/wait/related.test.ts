import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLabels, matchesRelatedQuery, parseLabelSelector, selectorOf } from '../../src/wait/related.js';

const labels = { app: 'litellm', tier: 'proxy', 'app.kubernetes.io/instance': 'infra' };

test('label selectors: kubectl string syntax and maps', () => {
  const cases: [string, boolean][] = [
    ['app=litellm', true],
    ['app==litellm,tier=proxy', true],
    ['app!=litellm', false],
    ['app in (litellm, valkey)', true],
    ['tier notin (proxy)', false],
    ['app.kubernetes.io/instance', true],
    ['!gpu', true],
    ['gpu', false],
    ['app in (valkey),tier=proxy', false],
    ['', true],
  ];
  for (const [sel, want] of cases) assert.equal(matchesLabels(labels, sel), want, sel);
  assert.equal(matchesLabels(labels, { app: 'litellm' }), true);
  assert.equal(matchesLabels(undefined, { app: 'litellm' }), false);
  assert.throws(() => parseLabelSelector('app in valkey'), /invalid label selector term/);
});

test('workload selectors with matchExpressions become selector strings', () => {
  assert.deepEqual(selectorOf({ matchLabels: { app: 'x' } }), { app: 'x' });
  const sel = selectorOf({
    matchLabels: { app: 'x' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(sel, 'app=x,tier in (a,b),!canary');
  assert.equal(matchesLabels({ app: 'x', tier: 'b' }, sel as string), true);
  assert.equal(selectorOf({}), undefined);
  assert.equal(selectorOf(undefined), undefined);
});

test('related queries match apiVersion, kind, namespace, name and labels', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'infra', labels } };
  assert.equal(matchesRelatedQuery(pod, { apiVersion: 'v1', kind: 'Pod', namespace: 'infra', labelSelector: { app: 'litellm' } }), true);
  assert.equal(matchesRelatedQuery(pod, { apiVersion: 'v1', kind: 'Pod', namespace: 'other' }), false);
  assert.equal(matchesRelatedQuery(pod, { apiVersion: 'v1', kind: 'Pod', name: 'b' }), false);
  assert.equal(matchesRelatedQuery(pod, { apiVersion: 'apps/v1', kind: 'Pod' }), false);
});

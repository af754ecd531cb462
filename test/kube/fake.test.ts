import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKube, selectorMatcher } from '../../src/kube/fake.js';
import { KubeApiError } from '../../src/kube/types.js';
import { configMap } from '../helpers/fake-cluster.js';

// The fake follows server-side apply closely enough that the engine behaves as against a cluster.

const opts = { fieldManager: 'inferctl' };
const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'c' };

test('apply creates, merges, and only an actual change moves resourceVersion and (for spec) generation', async () => {
  const kube = new FakeKube();
  const a = await kube.apply(configMap('c', { a: '1' }), opts);
  const same = await kube.apply(configMap('c', { a: '1' }), opts);
  assert.equal(same.metadata.resourceVersion, a.metadata.resourceVersion);
  const b = await kube.apply(configMap('c', { a: '2' }), opts);
  assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
  const w = await kube.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' }, spec: { size: 1 } }, opts);
  const w2 = await kube.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns', labels: { x: 'y' } }, spec: { size: 1 } }, opts);
  assert.deepEqual([w.metadata.generation, w2.metadata.generation], [1, 1], 'a label is not a spec change');
});

test('fields a manager stops applying are removed; fields of other managers stay', async () => {
  const kube = new FakeKube();
  await kube.apply(configMap('c', { a: '1', b: '2' }), opts);
  await kube.applyAs('other', configMap('c', { c: '3' }));
  const after = await kube.apply(configMap('c', { a: '1' }), opts);
  assert.deepEqual(after.data, { a: '1', c: '3' });
});

test('a field another manager set to a different value is a 409 unless forced; dry runs change nothing', async () => {
  const kube = new FakeKube();
  await kube.applyAs('kubectl', configMap('c', { a: 'theirs' }));
  await assert.rejects(kube.apply(configMap('c', { a: 'ours' }), opts), (err: Error) => err instanceof KubeApiError && err.code === 409 && /conflict with "kubectl": \.data\.a/.test(err.message));
  const dry = await kube.apply(configMap('c', { a: 'ours' }), { ...opts, force: true, dryRun: true });
  assert.deepEqual(dry.data, { a: 'ours' });
  assert.deepEqual((await kube.get(cm))!.data, { a: 'theirs' });
  await kube.apply(configMap('c', { a: 'ours' }), { ...opts, force: true });
  assert.deepEqual((await kube.get(cm))!.data, { a: 'ours' });
});

test('injected errors hit the matching verb and object the given number of times', async () => {
  const kube = new FakeKube();
  kube.fail('get', { name: 'c' }, () => new KubeApiError('etcdserver: request timed out', 500, 'InternalError'), 1);
  await assert.rejects(kube.get(cm), /request timed out/);
  assert.equal(await kube.get(cm), undefined);
});

test('label selectors as the API server reads them', () => {
  const labels = { app: 'web', tier: 'front' };
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web,tier=front', true],
    ['app!=web', false],
    ['app in (api, web)', true],
    ['tier notin (front)', false],
    ['app', true],
    ['!missing', true],
    ['!app', false],
    ['', true],
  ];
  for (const [sel, want] of cases) assert.equal(selectorMatcher(sel)(labels), want, sel);
});

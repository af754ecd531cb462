import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../src/sim/patch.js';
import { BuiltinNav } from '../../src/sim/schema-nav.js';
import { ApiError } from '../../src/sim/errors.js';

test('JSON merge patch: null deletes, objects merge, lists are replaced', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: null, b: { c: 9 }, l: [3] }), { b: { c: 9, d: 3 }, l: [3] });
});

test('JSON patch: add/remove/replace/move/copy/test with escaped pointers', () => {
  const doc = { metadata: { labels: { 'a/b': 'x' } }, list: [1, 2] };
  const out = jsonPatch(doc, [
    { op: 'add', path: '/list/-', value: 3 },
    { op: 'replace', path: '/metadata/labels/a~1b', value: 'y' },
    { op: 'copy', from: '/list/0', path: '/first' },
    { op: 'move', from: '/first', path: '/moved' },
    { op: 'remove', path: '/list/1' },
    { op: 'test', path: '/moved', value: 1 },
  ]);
  assert.deepEqual(out, { metadata: { labels: { 'a/b': 'y' } }, list: [1, 3], moved: 1 });
  assert.throws(() => jsonPatch(doc, [{ op: 'test', path: '/list/0', value: 9 }]), (e: unknown) => e instanceof ApiError && e.code === 422);
  assert.throws(() => jsonPatch(doc, [{ op: 'replace', path: '/missing', value: 1 }]), (e: unknown) => e instanceof ApiError && e.code === 422);
});

test('strategic merge patch merges containers, env and ports by key and unions finalizers', () => {
  const nav = new BuiltinNav('Deployment');
  const live = {
    metadata: { finalizers: ['a'] },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
            { name: 'sidecar', image: 's:1' },
          ],
          tolerations: [{ key: 'x' }],
        },
      },
    },
  };
  const out = strategicMergePatch(
    live,
    {
      metadata: { finalizers: ['b'] },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 81 }] }, { name: 'sidecar', $patch: 'delete' }],
            tolerations: [{ key: 'y' }],
          },
        },
      },
    },
    nav,
  ) as any;
  const c = out.spec.template.spec.containers;
  assert.equal(c.length, 1);
  assert.equal(c[0].image, 'app:2');
  assert.deepEqual(c[0].env.map((e: any) => e.name), ['A', 'B']);
  assert.deepEqual(c[0].ports.map((p: any) => p.containerPort), [80, 81]);
  assert.deepEqual(out.metadata.finalizers, ['a', 'b']);
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'y' }], 'lists without a merge key are replaced');
});

test('strategic merge patch directives: $patch replace, $retainKeys, $deleteFromPrimitiveList', () => {
  const nav = new BuiltinNav('Deployment');
  const out = strategicMergePatch(
    { metadata: { finalizers: ['a', 'b'] }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }, selector: { matchLabels: { a: '1' } } } },
    { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] }, spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' }, selector: { $patch: 'replace', matchLabels: { b: '2' } } } },
    nav,
  ) as any;
  assert.deepEqual(out.metadata.finalizers, ['b']);
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  assert.deepEqual(out.spec.selector, { matchLabels: { b: '2' } });
});

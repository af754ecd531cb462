import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { FieldSet, compare, mergeApplied, pathString, toFieldSet } from '../../src/sim/fieldset.js';
import { builtinBaseline, managedFieldsForUpdate, serverSideApply, type FieldContext } from '../../src/sim/managed-fields.js';
import { BuiltinNav, CrdNav } from '../../src/sim/schema-nav.js';
import { ApiError } from '../../src/sim/errors.js';

const ctx: FieldContext = { nav: new BuiltinNav('Deployment'), hasStatus: true, scope: 'main' };
const NOW = '2026-01-01T00:00:00Z';

function dep(spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec } as K8sObject;
}

const apply = (live: K8sObject | undefined, cfg: K8sObject, manager: string, force = false) =>
  serverSideApply(live, cfg, { manager, apiVersion: 'apps/v1', force, now: NOW, ctx, describe: 'default/web; apps/v1, Kind=Deployment' });

test('FieldsV1 encoding: list items by merge key, "." for items, free-form map entries', () => {
  const set = toFieldSet(
    {
      metadata: { labels: { app: 'web' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] } } },
    },
    new BuiltinNav('Deployment'),
  );
  assert.deepEqual(set.toFieldsV1(), {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': {
              '.': {},
              'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            },
          },
        },
      },
    },
  });
  assert.equal(pathString(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']), '.spec.template.spec.containers[name="nginx"].image');
  assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
  // Round trip through the JSON form.
  assert.deepEqual(FieldSet.fromFieldsV1(set.toFieldsV1()).toFieldsV1(), set.toFieldsV1());
});

test('selector is atomic for Deployments but a granular map for Services', () => {
  const d = toFieldSet({ spec: { selector: { matchLabels: { app: 'x' } } } }, new BuiltinNav('Deployment'));
  assert.deepEqual(d.toFieldsV1(), { 'f:spec': { 'f:selector': {} } });
  const s = toFieldSet({ spec: { selector: { app: 'x' } } }, new BuiltinNav('Service'));
  assert.deepEqual(s.toFieldsV1(), { 'f:spec': { 'f:selector': { 'f:app': {} } } });
});

test('merge keeps live-only list items and takes config values for shared ones', () => {
  const nav = new BuiltinNav('Deployment');
  const live = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'sidecar', image: 's:1' }] } } } };
  const cfg = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } };
  const merged = mergeApplied(live, cfg, nav) as any;
  assert.deepEqual(merged.spec.template.spec.containers, [
    { name: 'a', image: 'a:2' },
    { name: 'sidecar', image: 's:1' },
  ]);
  const cmp = compare(live, merged, nav);
  assert.deepEqual(cmp.modified.paths().map(pathString), ['.spec.template.spec.containers[name="a"].image']);
});

test('apply creates, a second manager conflicts on a changed field, force transfers ownership', () => {
  const first = apply(undefined, dep({ replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'a' }] } } }), 'kubectl');
  const live = { ...first.object, metadata: { ...first.object.metadata, managedFields: first.managedFields } } as K8sObject;
  assert.equal(first.managedFields.length, 1);
  assert.equal(first.managedFields[0].operation, 'Apply');

  // Same value: shared ownership, no conflict.
  const same = apply(live, dep({ replicas: 2 }), 'other');
  assert.equal(same.managedFields.length, 2);

  assert.throws(
    () => apply(live, dep({ replicas: 5 }), 'other'),
    (e: unknown) =>
      e instanceof ApiError &&
      e.code === 409 &&
      e.reason === 'Conflict' &&
      e.message === 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas' &&
      e.status.details?.causes?.[0]?.field === '.spec.replicas' &&
      e.status.details?.causes?.[0]?.reason === 'FieldManagerConflict',
  );

  const forced = apply(live, dep({ replicas: 5 }), 'other', true);
  assert.equal((forced.object.spec as any).replicas, 5);
  const kubectl = forced.managedFields.find((m) => m.manager === 'kubectl')!;
  const other = forced.managedFields.find((m) => m.manager === 'other')!;
  assert.ok(!('f:replicas' in (kubectl.fieldsV1['f:spec'] as object)));
  assert.deepEqual(other.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('conflicts with an Update manager name its apiVersion; several conflicts are listed', () => {
  const created = apply(undefined, dep({ replicas: 1, paused: false }), 'kubectl');
  let live = { ...created.object, metadata: { ...created.object.metadata, managedFields: created.managedFields } } as K8sObject;
  const edited = { ...live, spec: { ...(live.spec as object), replicas: 3, paused: true } } as K8sObject;
  edited.metadata.managedFields = managedFieldsForUpdate(live, edited, { manager: 'kubectl-edit', apiVersion: 'apps/v1', now: NOW, ctx });
  live = edited;
  assert.throws(
    () => apply(live, dep({ replicas: 1, paused: false }), 'kubectl'),
    (e: unknown) =>
      e instanceof ApiError && e.message === 'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.paused\n- .spec.replicas',
  );
});

test('fields an applier stops sending are removed unless another manager owns them', () => {
  const a = apply(undefined, dep({ replicas: 1, paused: true, minReadySeconds: 5 }), 'kubectl');
  let live = { ...a.object, metadata: { ...a.object.metadata, managedFields: a.managedFields } } as K8sObject;
  const b = apply(live, dep({ minReadySeconds: 5 }), 'other');
  live = { ...b.object, metadata: { ...b.object.metadata, managedFields: b.managedFields } } as K8sObject;
  const c = apply(live, dep({ replicas: 1 }), 'kubectl');
  const spec = c.object.spec as Record<string, unknown>;
  assert.equal(spec.paused, undefined, 'paused was only owned by kubectl: removed');
  assert.equal(spec.minReadySeconds, 5, 'minReadySeconds is co-owned by other: kept');
  assert.equal(spec.replicas, 1);
});

test('dropping a keyed list item removes it; CRD list-type set and map follow the schema', () => {
  const nav = new CrdNav({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } } },
          args: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  });
  const crCtx: FieldContext = { nav, hasStatus: true, scope: 'main' };
  const cr = (spec: object): K8sObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec }) as K8sObject;
  const ap = (live: K8sObject | undefined, c: K8sObject, m: string) => serverSideApply(live, c, { manager: m, apiVersion: 'example.com/v1', force: false, now: NOW, ctx: crCtx, describe: '/w; example.com/v1, Kind=Widget' });
  const one = ap(undefined, cr({ tags: ['a'], ports: [{ name: 'http', port: 80 }], args: ['x'] }), 'm1');
  assert.deepEqual(one.managedFields[0].fieldsV1, {
    'f:spec': { 'f:args': {}, 'f:ports': { 'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} } }, 'f:tags': { 'v:"a"': {} } },
  });
  let live = { ...one.object, metadata: { ...one.object.metadata, managedFields: one.managedFields } } as K8sObject;
  const two = ap(live, cr({ tags: ['b'], ports: [{ name: 'grpc', port: 90 }] }), 'm2');
  live = { ...two.object, metadata: { ...two.object.metadata, managedFields: two.managedFields } } as K8sObject;
  assert.deepEqual((live.spec as any).tags, ['a', 'b'], 'sets merge');
  assert.deepEqual((live.spec as any).ports.map((p: any) => p.name), ['http', 'grpc'], 'maps merge by key');
  const three = ap(live, cr({ tags: ['a'] }), 'm1');
  assert.deepEqual((three.object.spec as any).tags, ['a', 'b']);
  assert.deepEqual((three.object.spec as any).ports.map((p: any) => p.name), ['grpc'], 'm1 dropped http and nobody else owned it');
  assert.equal((three.object.spec as any).args, undefined, 'atomic list dropped by its only owner');
});

test('an apply configuration whose keyed list items lack the key fails like the apiserver', () => {
  assert.throws(
    () => apply(undefined, dep({ template: { spec: { containers: [{ image: 'x' }] } } }), 'kubectl'),
    (e: unknown) =>
      e instanceof ApiError &&
      e.code === 500 &&
      e.reason === undefined &&
      /^failed to create typed patch object \(default\/web; apps\/v1, Kind=Deployment\): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name"/.test(e.message),
  );
});

test('Update ownership: the writer takes changed fields, others lose them', () => {
  const created = { ...dep({ replicas: 1 }) } as K8sObject;
  created.metadata.managedFields = managedFieldsForUpdate(undefined, created, { manager: 'creator', apiVersion: 'apps/v1', now: NOW, ctx, baseline: builtinBaseline(created) });
  assert.deepEqual(created.metadata.managedFields, [{ manager: 'creator', operation: 'Update', apiVersion: 'apps/v1', time: NOW, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }]);
  const scaled = { ...created, spec: { replicas: 3 } } as K8sObject;
  const mf = managedFieldsForUpdate(created, scaled, { manager: 'scaler', apiVersion: 'apps/v1', now: NOW, ctx });
  assert.deepEqual(
    mf.map((m) => m.manager),
    ['scaler'],
  );
});

/** Server-side apply over HTTP and the status subresource rules. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../../src/sim/index.js';
import { apply, call, deployment, get, installWidgetCrd, mergePatch, post, put, startCore } from './helpers.js';

let sim: Simulator;
before(async () => {
  sim = await startCore();
  await installWidgetCrd(sim);
});
after(() => sim.stop());

const DEP = '/apis/apps/v1/namespaces/default/deployments';

test('apply requires fieldManager; creates with 201 then updates with 200', async () => {
  const noManager = await call(sim, 'PATCH', `${DEP}/ssa`, deployment('ssa'), { 'content-type': 'application/apply-patch+yaml' });
  assert.equal(noManager.status, 422);
  assert.equal(noManager.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const created = await apply(sim, `${DEP}/ssa`, deployment('ssa'), 'fieldManager=deployer');
  assert.equal(created.status, 201);
  assert.deepEqual(
    created.body.metadata.managedFields.map((m: any) => [m.manager, m.operation]),
    [['deployer', 'Apply']],
  );
  const again = await apply(sim, `${DEP}/ssa`, deployment('ssa'), 'fieldManager=deployer');
  assert.equal(again.status, 200);
  assert.equal(again.body.metadata.resourceVersion, created.body.metadata.resourceVersion, 'identical re-apply is a no-op');
});

test('apply YAML bodies work (kubectl sends JSON, other clients YAML)', async () => {
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n';
  const r = await apply(sim, '/api/v1/namespaces/default/configmaps/from-yaml', yaml);
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.data, { k: 'v' });
});

test('conflict body, force, and ownership transfer over HTTP', async () => {
  await apply(sim, `${DEP}/owned`, deployment('owned', { replicas: 2 }), 'fieldManager=chart');
  const c = await apply(sim, `${DEP}/owned`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'owned' }, spec: { replicas: 5 } }, 'fieldManager=hpa');
  assert.equal(c.status, 409);
  assert.deepEqual(c.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "chart": .spec.replicas',
    reason: 'Conflict',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "chart"', field: '.spec.replicas' }] },
    code: 409,
  });
  const f = await apply(sim, `${DEP}/owned`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'owned' }, spec: { replicas: 5 } }, 'fieldManager=hpa&force=true');
  assert.equal(f.status, 200);
  assert.equal(f.body.spec.replicas, 5);
  // The chart re-applies without replicas: no conflict any more, and replicas stays (hpa owns it).
  const spec = deployment('owned') as any;
  delete spec.spec.replicas;
  const r = await apply(sim, `${DEP}/owned`, spec, 'fieldManager=chart');
  assert.equal(r.status, 200);
  assert.equal(r.body.spec.replicas, 5);
});

test('conflicts with a non-apply writer name it with its apiVersion', async () => {
  await apply(sim, `${DEP}/edited`, deployment('edited'), 'fieldManager=chart');
  await mergePatch(sim, `${DEP}/edited?fieldManager=kubectl-edit`, { spec: { replicas: 3 } });
  const c = await apply(sim, `${DEP}/edited`, deployment('edited', { replicas: 1 }), 'fieldManager=chart');
  assert.equal(c.status, 409);
  assert.equal(c.body.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
});

test('fields removed from the applied configuration are deleted from the object', async () => {
  const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shrink', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } };
  await apply(sim, '/api/v1/namespaces/default/configmaps/shrink', base);
  const r = await apply(sim, '/api/v1/namespaces/default/configmaps/shrink', { ...base, metadata: { name: 'shrink', labels: { a: '1' } }, data: { x: '1' } });
  assert.deepEqual(r.body.metadata.labels, { a: '1' });
  assert.deepEqual(r.body.data, { x: '1' });
});

test('stale resourceVersion in an apply configuration is a conflict; dryRun apply stores nothing', async () => {
  const cur = (await apply(sim, '/api/v1/namespaces/default/configmaps/rv', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv' }, data: { a: '1' } })).body;
  await mergePatch(sim, '/api/v1/namespaces/default/configmaps/rv', { data: { a: '2' } });
  const stale = await apply(sim, '/api/v1/namespaces/default/configmaps/rv', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv', resourceVersion: cur.metadata.resourceVersion }, data: { a: '3' } });
  assert.equal(stale.status, 409);
  const dry = await apply(sim, '/api/v1/namespaces/default/configmaps/dry-apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry-apply' } }, 'fieldManager=t&dryRun=All');
  assert.equal(dry.status, 201);
  assert.equal((await get(sim, '/api/v1/namespaces/default/configmaps/dry-apply')).status, 404);
});

test('status subresource: main writes ignore status, status writes ignore spec, generation follows spec only', async () => {
  const WD = '/apis/example.com/v1/namespaces/default/widgets';
  const created = await post(sim, WD, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'st' }, spec: { color: 'red' }, status: { replicas: 9 } });
  assert.equal(created.status, 201);
  assert.equal(created.body.status, undefined, 'status dropped on create');
  assert.equal(created.body.spec.size, 1, 'schema default applied');
  assert.equal(created.body.metadata.generation, 1);

  const s = await mergePatch(sim, `${WD}/st/status`, { spec: { color: 'blue' }, status: { replicas: 2 } });
  assert.equal(s.status, 200);
  assert.equal(s.body.status.replicas, 2);
  assert.equal(s.body.spec.color, 'red', 'status write ignored the spec change');
  assert.equal(s.body.metadata.generation, 1, 'status writes do not move generation');
  assert.deepEqual(
    s.body.metadata.managedFields.map((m: any) => [m.manager, m.operation, m.subresource ?? '']),
    [
      ['node', 'Update', ''],
      ['node', 'Update', 'status'],
    ],
  );

  const m = await mergePatch(sim, `${WD}/st`, { spec: { color: 'blue' }, status: { replicas: 7 } });
  assert.equal(m.body.spec.color, 'blue');
  assert.equal(m.body.status.replicas, 2, 'main write ignored the status change');
  assert.equal(m.body.metadata.generation, 2);

  const meta = await mergePatch(sim, `${WD}/st`, { metadata: { annotations: { a: 'b' } } });
  assert.equal(meta.body.metadata.generation, 2, 'metadata changes do not move generation');

  const full = (await get(sim, `${WD}/st`)).body;
  const putStatus = await put(sim, `${WD}/st/status`, { ...full, status: { replicas: 3 } });
  assert.equal(putStatus.body.status.replicas, 3);

  const deploy = (await post(sim, DEP, deployment('depstatus'))).body;
  const ds = await mergePatch(sim, `${DEP}/depstatus/status`, { status: { observedGeneration: 1, replicas: 1 } });
  assert.equal(ds.body.status.replicas, 1);
  assert.equal(ds.body.metadata.generation, deploy.metadata.generation);
});

test('custom resources: PUT without resourceVersion is rejected, scale subresource works', async () => {
  const WD = '/apis/example.com/v1/namespaces/default/widgets';
  await post(sim, WD, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'sc' }, spec: { replicas: 1 } });
  const noRv = await put(sim, `${WD}/sc`, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'sc' }, spec: { replicas: 2 } });
  assert.equal(noRv.status, 422);
  assert.match(noRv.body.message, /metadata\.resourceVersion: Invalid value: 0x0: must be specified for an update/);
  const scale = await get(sim, `${WD}/sc/scale`);
  assert.equal(scale.body.kind, 'Scale');
  assert.equal(scale.body.spec.replicas, 1);
  const patched = await mergePatch(sim, `${WD}/sc/scale`, { spec: { replicas: 4 } });
  assert.equal(patched.body.spec.replicas, 4);
  assert.equal((await get(sim, `${WD}/sc`)).body.spec.replicas, 4);
  const depScale = await mergePatch(sim, `${DEP}/ssa/scale`, { spec: { replicas: 3 } });
  assert.equal(depScale.status, 200);
  assert.equal(depScale.body.status.selector, 'app=ssa');
});

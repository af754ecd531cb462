/** Discovery documents and the CustomResourceDefinition lifecycle. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../../src/sim/index.js';
import { apply, del, get, mergePatch, post, startCore, widgetCrd } from './helpers.js';

let sim: Simulator;
before(async () => {
  sim = await startCore({ timing: { crdEstablishMs: 300 } });
});
after(() => sim.stop());

const AGG = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

test('/version and legacy discovery for the built-in groups', async () => {
  const v = (await get(sim, '/version')).body;
  assert.equal(v.major, '1');
  assert.equal(v.minor, '35');
  const api = (await get(sim, '/api')).body;
  assert.deepEqual(api.versions, ['v1']);
  const groups = (await get(sim, '/apis')).body;
  const names = groups.groups.map((g: any) => g.name);
  for (const g of ['apps', 'batch', 'policy', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'networking.k8s.io', 'autoscaling', 'scheduling.k8s.io', 'admissionregistration.k8s.io', 'storage.k8s.io']) {
    assert.ok(names.includes(g), `group ${g}`);
  }
  assert.equal(groups.groups.find((g: any) => g.name === 'autoscaling').preferredVersion.version, 'v2');
  const apps = (await get(sim, '/apis/apps/v1')).body;
  const deploy = apps.resources.find((r: any) => r.name === 'deployments');
  assert.deepEqual(
    { ...deploy, storageVersionHash: undefined },
    { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'], storageVersionHash: undefined },
  );
  assert.ok(apps.resources.some((r: any) => r.name === 'deployments/scale' && r.kind === 'Scale' && r.group === 'autoscaling'));
  assert.ok(apps.resources.some((r: any) => r.name === 'deployments/status'));
  assert.equal((await get(sim, '/apis/apps')).body.preferredVersion.groupVersion, 'apps/v1');
  assert.equal((await get(sim, '/apis/nope/v1')).status, 404);
});

test('aggregated discovery (apidiscovery.k8s.io/v2) when the client asks for it', async () => {
  const r = await get(sim, '/apis', { accept: AGG });
  assert.equal(r.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(r.body.kind, 'APIGroupDiscoveryList');
  const apps = r.body.items.find((i: any) => i.metadata.name === 'apps');
  const d = apps.versions[0].resources.find((x: any) => x.resource === 'deployments');
  assert.equal(d.scope, 'Namespaced');
  assert.deepEqual(
    d.subresources.map((s: any) => s.subresource),
    ['scale', 'status'],
  );
  const core = (await get(sim, '/api', { accept: AGG })).body;
  assert.ok(core.items[0].versions[0].resources.some((x: any) => x.resource === 'namespaces' && x.scope === 'Cluster'));
});

test('a CRD is served only once Established, with its names, scope and subresources', async () => {
  const created = await post(sim, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd());
  assert.equal(created.status, 201);
  const early = await get(sim, '/apis/example.com/v1/namespaces/default/widgets');
  assert.equal(early.status, 404, 'not served before Established');
  await sim.waitFor(() => sim.registry.find('example.com', 'v1', 'widgets'));
  const crd = (await get(sim, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).body;
  const cond = Object.fromEntries(crd.status.conditions.map((c: any) => [c.type, c.status]));
  assert.deepEqual(cond, { NamesAccepted: 'True', Established: 'True' });
  assert.deepEqual(crd.status.acceptedNames.shortNames, ['wd']);
  assert.deepEqual(crd.status.storedVersions, ['v1']);
  const list = (await get(sim, '/apis/example.com/v1')).body;
  const w = list.resources.find((r: any) => r.name === 'widgets');
  assert.deepEqual({ kind: w.kind, namespaced: w.namespaced, shortNames: w.shortNames, categories: w.categories }, { kind: 'Widget', namespaced: true, shortNames: ['wd'], categories: ['all'] });
  assert.ok(list.resources.some((r: any) => r.name === 'widgets/status'));
  assert.ok(list.resources.some((r: any) => r.name === 'widgets/scale'));
  const agg = (await get(sim, '/apis', { accept: AGG })).body;
  assert.ok(agg.items.some((i: any) => i.metadata.name === 'example.com'));
  const oapi = (await get(sim, '/openapi/v3')).body;
  assert.ok(oapi.paths['apis/example.com/v1'].serverRelativeURL.startsWith('/openapi/v3/apis/example.com/v1?hash='));
  const doc = (await get(sim, '/openapi/v3/apis/example.com/v1')).body;
  const patch = doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'example.com', version: 'v1', kind: 'Widget' });
  assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
});

test('custom resources: strict unknown-field rejection, Warn and Ignore, schema validation and CEL', async () => {
  const WD = '/apis/example.com/v1/namespaces/default/widgets';
  const body = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'u1' }, spec: { color: 'red', bogus: 1 } };
  const strict = await post(sim, `${WD}?fieldValidation=Strict`, body);
  assert.equal(strict.status, 400);
  assert.equal(strict.body.message, 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"');
  const warn = await post(sim, `${WD}?fieldValidation=Warn`, body);
  assert.equal(warn.status, 201);
  assert.equal(warn.headers.get('warning'), '299 - "unknown field \\"spec.bogus\\""');
  assert.equal(warn.body.spec.bogus, undefined, 'unknown fields are pruned');
  const ignore = await post(sim, `${WD}?fieldValidation=Ignore`, { ...body, metadata: { name: 'u2' } });
  assert.equal(ignore.status, 201);
  assert.equal(ignore.headers.get('warning'), null);

  const ssa = await apply(sim, `${WD}/u3`, { ...body, metadata: { name: 'u3' } });
  assert.equal(ssa.status, 500);
  assert.equal(ssa.body.message, 'failed to create typed patch object (default/u3; example.com/v1, Kind=Widget): .spec.bogus: field not declared in schema');

  // An enum violation blocks the CEL rules (strategy.go's hasBlockingErr), which then say so.
  const invalid = await post(sim, WD, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { color: 'green', size: 20 } });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.reason, 'Invalid');
  assert.equal(
    invalid.body.message,
    'Widget.example.com "bad" is invalid: [spec.color: Unsupported value: "green": supported values: "red", "blue", <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
  );
  const cel = await post(sim, WD, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { color: 'red', size: 20 } });
  assert.equal(cel.status, 422);
  assert.equal(cel.body.message, 'Widget.example.com "bad" is invalid: spec: Invalid value: "object": size must be below 10');
  assert.deepEqual(cel.body.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: "object": size must be below 10', field: 'spec' }]);

  const preserved = await post(sim, WD, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'free' }, spec: { extra: { anything: { goes: true } } } });
  assert.equal(preserved.status, 201);
  assert.deepEqual(preserved.body.spec.extra, { anything: { goes: true } });
});

test('printer columns in Table output; strategic merge patch is refused for custom resources', async () => {
  const WD = '/apis/example.com/v1/namespaces/default/widgets';
  await post(sim, WD, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'tbl' }, spec: { color: 'blue' } });
  await mergePatch(sim, `${WD}/tbl/status`, { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  const t = (await get(sim, `${WD}/tbl`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).body;
  assert.deepEqual(
    t.columnDefinitions.map((c: any) => c.name),
    ['Name', 'Color', 'Ready'],
  );
  assert.deepEqual(t.rows[0].cells, ['tbl', 'blue', 'True']);
  const r = await fetch(`${sim.url}${WD}/tbl`, { method: 'PATCH', headers: { 'content-type': 'application/strategic-merge-patch+json' }, body: '{}' });
  assert.equal(r.status, 415);
});

test('deleting a CRD removes its custom resources, then stops serving it', async () => {
  const WD = '/apis/example.com/v1/namespaces/default/widgets';
  await post(sim, WD, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'last' }, spec: {} });
  const d = await del(sim, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
  assert.equal(d.status, 200);
  assert.ok(d.body.metadata.finalizers.includes('customresourcecleanup.apiextensions.k8s.io'));
  await sim.waitFor(() => !sim.registry.find('example.com', 'v1', 'widgets'), { what: 'CRD unregistered' });
  assert.equal((await get(sim, WD)).status, 404);
  assert.equal(sim.store.objects({ kind: 'Widget' }).length, 0);
});

/** Direct HTTP tests of the CRUD rules and the Status bodies the apiserver sends. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../../src/sim/index.js';
import { call, configMap, del, deployment, get, jsonPatch, mergePatch, post, put, smPatch, startCore } from './helpers.js';

let sim: Simulator;
before(async () => {
  sim = await startCore();
});
after(() => sim.stop());

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const CMS = '/api/v1/namespaces/default/configmaps';

test('create returns 201 with server-set metadata; get/list return it', async () => {
  const r = await post(sim, CMS, configMap('c1'));
  assert.equal(r.status, 201);
  assert.equal(r.body.metadata.namespace, 'default');
  assert.match(r.body.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(r.body.metadata.resourceVersion, /^\d+$/);
  assert.match(r.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(r.body.metadata.managedFields[0].manager, 'node', 'field manager defaults to the user agent product');
  const g = await get(sim, `${CMS}/c1`);
  assert.equal(g.status, 200);
  assert.equal(g.body.kind, 'ConfigMap');
  const l = await get(sim, CMS);
  assert.equal(l.body.kind, 'ConfigMapList');
  assert.equal(l.body.apiVersion, 'v1');
  assert.ok(l.body.items.some((i: any) => i.metadata.name === 'c1'));
  // Typed lists carry no apiVersion/kind per item, like the real apiserver.
  assert.equal(l.body.items[0].kind, undefined);
});

test('errors are real Status bodies: NotFound, AlreadyExists, namespace missing', async () => {
  const nf = await get(sim, `${DEPLOYS}/nope`);
  assert.equal(nf.status, 404);
  assert.deepEqual(nf.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'deployments.apps "nope" not found',
    reason: 'NotFound',
    details: { name: 'nope', group: 'apps', kind: 'deployments' },
    code: 404,
  });
  await post(sim, CMS, configMap('dup'));
  const ae = await post(sim, CMS, configMap('dup'));
  assert.equal(ae.status, 409);
  assert.equal(ae.body.reason, 'AlreadyExists');
  assert.equal(ae.body.message, 'configmaps "dup" already exists');
  const ns = await post(sim, '/api/v1/namespaces/ghost/configmaps', configMap('x', {}, 'ghost'));
  assert.equal(ns.status, 404);
  assert.equal(ns.body.message, 'namespaces "ghost" not found');
  const unknown = await get(sim, '/apis/apps/v1/namespaces/default/widgets');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.message, 'the server could not find the requested resource');
});

test('stale resourceVersion on update and patch is a 409 Conflict', async () => {
  const created = (await post(sim, DEPLOYS, deployment('conflict'))).body;
  const first = await put(sim, `${DEPLOYS}/conflict`, { ...created, spec: { ...created.spec, replicas: 2 } });
  assert.equal(first.status, 200);
  const stale = await put(sim, `${DEPLOYS}/conflict`, { ...created, spec: { ...created.spec, replicas: 3 } });
  assert.equal(stale.status, 409);
  assert.deepEqual(stale.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Operation cannot be fulfilled on deployments.apps "conflict": the object has been modified; please apply your changes to the latest version and try again',
    reason: 'Conflict',
    details: { name: 'conflict', group: 'apps', kind: 'deployments' },
    code: 409,
  });
  const p = await mergePatch(sim, `${DEPLOYS}/conflict`, { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { replicas: 4 } });
  assert.equal(p.status, 409);
  // Without a resourceVersion a patch applies to the latest version.
  const ok = await mergePatch(sim, `${DEPLOYS}/conflict`, { spec: { replicas: 4 } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.spec.replicas, 4);
});

test('Invalid (422) carries field paths in details.causes', async () => {
  const bad = deployment('BadName');
  const r = await post(sim, DEPLOYS, bad);
  assert.equal(r.status, 422);
  assert.equal(r.body.reason, 'Invalid');
  assert.match(r.body.message, /^Deployment\.apps "BadName" is invalid: metadata\.name: Invalid value: "BadName": a lowercase RFC 1123 subdomain/);
  assert.equal(r.body.details.causes[0].field, 'metadata.name');
  assert.equal(r.body.details.causes[0].reason, 'FieldValueInvalid');

  const noName = await post(sim, CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} });
  assert.equal(noName.status, 422);
  assert.equal(noName.body.message, 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');

  const mismatch = deployment('mismatch');
  mismatch.spec.template.metadata.labels = { app: 'other' };
  const m = await post(sim, DEPLOYS, mismatch);
  assert.equal(m.status, 422);
  assert.ok(m.body.details.causes.some((c: any) => c.field === 'spec.template.metadata.labels' && /selector` does not match template `labels`/.test(c.message)));
});

test('immutable fields: Deployment selector, Service clusterIP, Job template, immutable ConfigMap', async () => {
  const d = (await post(sim, DEPLOYS, deployment('immut'))).body;
  const sel = await put(sim, `${DEPLOYS}/immut`, { ...d, spec: { ...d.spec, selector: { matchLabels: { app: 'x' } }, template: { ...d.spec.template, metadata: { labels: { app: 'x' } } } } });
  assert.equal(sel.status, 422);
  assert.match(sel.body.message, /spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"app":"x"\}, MatchExpressions:\[\]v1\.LabelSelectorRequirement\(nil\)\}: field is immutable/);

  const svc = (await post(sim, '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } })).body;
  assert.match(svc.spec.clusterIP, /^10\.96\.\d+\.\d+$/);
  assert.equal(svc.spec.ports[0].targetPort, 80);
  const ip = await mergePatch(sim, '/api/v1/namespaces/default/services/svc', { spec: { clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.99'] } });
  assert.equal(ip.status, 422);
  assert.match(ip.body.message, /spec\.clusterIPs\[0\]: Invalid value: \[\]string\{"10\.96\.0\.99"\}: may not change once set/);
  // Re-sending the Service without clusterIP keeps the allocated address (no immutability error).
  const again = await put(sim, '/api/v1/namespaces/default/services/svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } });
  assert.equal(again.status, 200);
  assert.equal(again.body.spec.clusterIP, svc.spec.clusterIP);

  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:1' }] } } },
  };
  const j = (await post(sim, '/apis/batch/v1/namespaces/default/jobs', job)).body;
  assert.equal(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], j.metadata.uid);
  const jt = await mergePatch(sim, '/apis/batch/v1/namespaces/default/jobs/migrate', { spec: { template: { spec: { containers: [{ name: 'm', image: 'm:2' }] } } } });
  assert.equal(jt.status, 422);
  assert.match(jt.body.message, /spec\.template: Invalid value: core\.PodTemplateSpec\{\.\.\.\}: field is immutable/);

  await post(sim, CMS, { ...configMap('frozen'), immutable: true });
  const fr = await mergePatch(sim, `${CMS}/frozen`, { data: { a: '2' } });
  assert.equal(fr.status, 422);
  assert.match(fr.body.message, /data: Forbidden: field is immutable when `immutable` is set/);
});

test('BadRequest, MethodNotAllowed and UnsupportedMediaType', async () => {
  const nameMismatch = await put(sim, `${CMS}/a`, configMap('b'));
  assert.equal(nameMismatch.status, 400);
  assert.equal(nameMismatch.body.message, 'the name of the object (b) does not match the name on the URL (a)');
  const nsMismatch = await post(sim, CMS, configMap('x', {}, 'kube-system'));
  assert.equal(nsMismatch.status, 400);
  assert.equal(nsMismatch.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
  const badJson = await call(sim, 'POST', CMS, '{not json');
  assert.equal(badJson.status, 400);
  const method = await post(sim, `${CMS}/c1`, configMap('c1'));
  assert.equal(method.status, 405);
  assert.deepEqual(method.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server does not allow this method on the requested resource', reason: 'MethodNotAllowed', details: {}, code: 405 });
  const media = await call(sim, 'PATCH', `${CMS}/c1`, { data: {} }, { 'content-type': 'text/plain' });
  assert.equal(media.status, 415);
  assert.equal(media.body.reason, 'UnsupportedMediaType');
});

test('patch types: merge, JSON patch, strategic merge; dryRun stores nothing', async () => {
  await post(sim, DEPLOYS, deployment('patchme'));
  const sm = await smPatch(sim, `${DEPLOYS}/patchme`, { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'X', value: '1' }] }] } } } });
  assert.equal(sm.status, 200);
  assert.equal(sm.body.spec.template.spec.containers[0].image, 'nginx:1.27', 'strategic merge keeps the other container fields');
  assert.deepEqual(sm.body.spec.template.spec.containers[0].env, [{ name: 'X', value: '1' }]);
  const jp = await jsonPatch(sim, `${DEPLOYS}/patchme`, [{ op: 'replace', path: '/spec/replicas', value: 3 }]);
  assert.equal(jp.body.spec.replicas, 3);
  const dry = await mergePatch(sim, `${DEPLOYS}/patchme?dryRun=All`, { spec: { replicas: 9 } });
  assert.equal(dry.status, 200);
  assert.equal(dry.body.spec.replicas, 9);
  assert.equal((await get(sim, `${DEPLOYS}/patchme`)).body.spec.replicas, 3);
  const dryCreate = await post(sim, `${CMS}?dryRun=All`, configMap('dry'));
  assert.equal(dryCreate.status, 201);
  assert.equal((await get(sim, `${CMS}/dry`)).status, 404);
  const dryDelete = await del(sim, `${DEPLOYS}/patchme?dryRun=All`);
  assert.equal(dryDelete.status, 200);
  assert.equal((await get(sim, `${DEPLOYS}/patchme`)).status, 200);
});

test('generation moves only on spec changes; no-op writes keep the resourceVersion', async () => {
  const d = (await post(sim, DEPLOYS, deployment('gen'))).body;
  assert.equal(d.metadata.generation, 1);
  const label = await mergePatch(sim, `${DEPLOYS}/gen`, { metadata: { labels: { extra: 'x' } } });
  assert.equal(label.body.metadata.generation, 1);
  const spec = await mergePatch(sim, `${DEPLOYS}/gen`, { spec: { replicas: 2 } });
  assert.equal(spec.body.metadata.generation, 2);
  const noop = await mergePatch(sim, `${DEPLOYS}/gen`, { spec: { replicas: 2 } });
  assert.equal(noop.body.metadata.resourceVersion, spec.body.metadata.resourceVersion);
});

test('generateName, label/field selectors across namespaces, pagination', async () => {
  const g = await post(sim, CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-', labels: { tier: 'cache' } } });
  assert.match(g.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  await post(sim, '/api/v1/namespaces/kube-public/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pub', labels: { tier: 'cache' } } });
  const all = await get(sim, '/api/v1/configmaps?labelSelector=tier%3Dcache');
  assert.deepEqual(all.body.items.map((i: any) => i.metadata.namespace).sort(), ['default', 'kube-public']);
  const notin = await get(sim, `/api/v1/configmaps?labelSelector=${encodeURIComponent('tier notin (cache),!kubernetes.io/x')}&fieldSelector=metadata.name%3Dpub`);
  assert.equal(notin.body.items.length, 0);
  const byName = await get(sim, '/api/v1/configmaps?fieldSelector=metadata.name%3Dpub');
  assert.equal(byName.body.items.length, 1);
  const badField = await get(sim, '/api/v1/configmaps?fieldSelector=spec.x%3D1');
  assert.equal(badField.status, 400);
  for (let i = 0; i < 5; i++) await post(sim, '/api/v1/namespaces/kube-system/configmaps', configMap(`page-${i}`, {}, 'kube-system'));
  const p1 = await get(sim, '/api/v1/namespaces/kube-system/configmaps?limit=2');
  assert.equal(p1.body.items.length, 2);
  assert.ok(p1.body.metadata.continue);
  assert.ok(p1.body.metadata.remainingItemCount >= 3);
  const p2 = await get(sim, `/api/v1/namespaces/kube-system/configmaps?limit=2&continue=${encodeURIComponent(p1.body.metadata.continue)}`);
  assert.notEqual(p2.body.items[0].metadata.name, p1.body.items[0].metadata.name);
});

test('Table output for kubectl get', async () => {
  const t = await get(sim, '/api/v1/namespaces', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
  assert.equal(t.body.kind, 'Table');
  assert.deepEqual(
    t.body.columnDefinitions.map((c: any) => c.name),
    ['Name', 'Status', 'Age'],
  );
  assert.ok(t.body.rows.some((r: any) => r.cells[0] === 'default' && r.cells[1] === 'Active'));
  assert.equal(t.body.rows[0].object.kind, 'PartialObjectMetadata');
});

test('request log records method, path, verb and status in order', async () => {
  const before = sim.store.requests.length;
  await post(sim, CMS, configMap('logged'));
  await del(sim, `${CMS}/logged`);
  const entries = sim.store.requests.slice(before);
  assert.deepEqual(
    entries.map((e) => [e.method, e.verb, e.resource, e.name ?? '', e.status]),
    [
      ['POST', 'create', 'configmaps', '', 201],
      ['DELETE', 'delete', 'configmaps', 'logged', 200],
    ],
  );
  assert.ok(entries[0].time <= entries[1].time);
});

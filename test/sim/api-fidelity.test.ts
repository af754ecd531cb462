/**
 * API rules a real-client audit found missing: boolean query parameters, apply bodies carrying
 * managedFields, CRD storedVersions, the bounded watch window and the ServiceAccount admission
 * plugin. kubectl 1.35 is used where a client applies.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { apply, call, configMap, deployment, get, post, startCore, watchStream } from './helpers.js';
import { kubectlFor, type Kubectl } from './kubectl-run.js';

const CMS = '/api/v1/namespaces/default/configmaps';

let sim: Simulator;
let kubectl: Kubectl;
before(async () => {
  sim = await startCore();
  kubectl = kubectlFor(sim);
});
after(async () => {
  kubectl.cleanup();
  await sim.stop();
});

test('boolean query parameters follow the parameter codec: only "0" and any casing of "false" are false', async () => {
  await post(sim, CMS, configMap('bool-params'));
  for (const v of ['True', 'TRUE', '1', 't', '']) {
    const s = await watchStream(sim, `${CMS}?watch=${v}&fieldSelector=metadata.name%3Dbool-params`);
    await s.waitFor(1);
    assert.equal(s.events[0].type, 'ADDED', `watch=${v} streams`);
    s.close();
  }
  for (const v of ['False', 'FALSE', '0']) {
    const r = await get(sim, `${CMS}?watch=${v}&fieldSelector=metadata.name%3Dbool-params`);
    assert.equal(r.body.kind, 'ConfigMapList', `watch=${v} lists`);
  }

  const path = `${CMS}/bool-force`;
  assert.equal((await apply(sim, path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bool-force' }, data: { k: 'a' } }, 'fieldManager=first')).status, 201);
  const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bool-force' }, data: { k: 'b' } };
  assert.equal((await apply(sim, path, other, 'fieldManager=second&force=FALSE')).status, 409);
  const forced = await apply(sim, path, other, 'fieldManager=second&force=True');
  assert.equal(forced.status, 200);
  assert.equal(forced.body.data.k, 'b');
  // PatchOptions.force is a pointer: any value on a non-apply patch is refused, false included.
  const merge = await call(sim, 'PATCH', `${path}?force=false`, { data: { k: 'c' } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(merge.status, 422);
  assert.match(merge.body.message, /force: Forbidden: may not be specified for non-apply patch/);
});

test('an apply body that carries metadata.managedFields is a 400; null is accepted', async () => {
  const path = `${CMS}/with-managed`;
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'with-managed', managedFields: [] }, data: { a: '1' } };
  const r = await apply(sim, path, body);
  assert.equal(r.status, 400);
  assert.equal(r.body.reason, 'BadRequest');
  assert.equal(r.body.message, 'metadata.managedFields must be nil');
  assert.equal((await apply(sim, path, { ...body, metadata: { name: 'with-managed', managedFields: null } })).status, 201);
});

const crdYaml = (versions: string[], storage: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gadget, plural: gadgets}
  versions:
${versions.map((v) => `  - name: ${v}\n    served: true\n    storage: ${v === storage}\n    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}`).join('\n')}
`;

test('kubectl: a CRD update that drops a version still in status.storedVersions is 422 until storedVersions is migrated', async () => {
  const first = await kubectl.run('apply', '--server-side', '-f', kubectl.file('g1.yaml', crdYaml(['v1alpha1'], 'v1alpha1')));
  assert.equal(first.code, 0, first.stderr);
  const both = await kubectl.run('apply', '--server-side', '-f', kubectl.file('g2.yaml', crdYaml(['v1alpha1', 'v1'], 'v1')));
  assert.equal(both.code, 0, both.stderr);
  const stored = await kubectl.run('get', 'crd', 'gadgets.example.com', '-o', 'jsonpath={.status.storedVersions}');
  assert.equal(stored.stdout, '["v1alpha1","v1"]');

  const dropped = await kubectl.run('apply', '--server-side', '-f', kubectl.file('g3.yaml', crdYaml(['v1'], 'v1')));
  assert.notEqual(dropped.code, 0);
  // kubectl prints a 422's causes in its own frame, as the upgrade reports users paste show.
  assert.match(dropped.stderr, /The CustomResourceDefinition "gadgets\.example\.com" is invalid: status\.storedVersions\[0\]: Invalid value: "v1alpha1": must appear in spec\.versions/);

  // The documented migration: rewrite the objects, then drop the old version from storedVersions.
  const migrated = await kubectl.run('patch', 'crd', 'gadgets.example.com', '--subresource=status', '--type=merge', '-p', '{"status":{"storedVersions":["v1"]}}');
  assert.equal(migrated.code, 0, migrated.stderr);
  const again = await kubectl.run('apply', '--server-side', '-f', kubectl.file('g3.yaml', crdYaml(['v1'], 'v1')));
  assert.equal(again.code, 0, again.stderr);
});

test('watches resume only inside each resource type\'s bounded history; older resume points get a 410 ERROR event', async () => {
  const small = await startCore({ watchCacheSize: 5 });
  try {
    const rvs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await post(small, '/api/v1/namespaces/default/configmaps', configMap(`window-${i}`));
      rvs.push(Number(r.body.metadata.resourceVersion));
    }
    // Kept: the last five ConfigMap events (window-5 .. window-9).
    const expired = await watchStream(small, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rvs[3]}`);
    await expired.waitFor(1);
    assert.equal(expired.events[0].type, 'ERROR');
    assert.equal(expired.events[0].object.code, 410);
    assert.equal(expired.events[0].object.reason, 'Expired');
    assert.equal(expired.events[0].object.message, `too old resource version: ${rvs[3]} (${rvs[5] - 1})`);
    expired.close();

    const resumed = await watchStream(small, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rvs[4]}`);
    await resumed.waitFor(5);
    assert.deepEqual(resumed.events.map((e) => e.object.metadata.name), ['window-5', 'window-6', 'window-7', 'window-8', 'window-9']);
    resumed.close();

    // Another resource type has its own window: the same old resourceVersion is still fine there.
    const secrets = await watchStream(small, `/api/v1/namespaces/default/secrets?watch=1&resourceVersion=${rvs[0]}`);
    await post(small, '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'after' } });
    await secrets.waitFor(1);
    assert.equal(secrets.events[0].type, 'ADDED');
    secrets.close();
  } finally {
    await small.stop();
  }
});

test('kubectl: a pod naming a missing ServiceAccount is forbidden; a new namespace\'s default one always exists', async () => {
  const pod = (ns: string, sa?: string) => `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ${ns}}
spec:
  ${sa ? `serviceAccountName: ${sa}\n  ` : ''}containers: [{name: c, image: busybox}]
`;
  const refused = await kubectl.run('apply', '-f', kubectl.file('p1.yaml', pod('default', 'robot')));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Error from server \(Forbidden\).*pods "p" is forbidden: error looking up service account default\/robot: serviceaccount "robot" not found/);

  // Namespace and pod in one go: the pod must not race the service account controller.
  const together = await kubectl.run('apply', '-f', kubectl.file('p2.yaml', `apiVersion: v1\nkind: Namespace\nmetadata: {name: fresh}\n---\n${pod('fresh')}`));
  assert.equal(together.code, 0, together.stderr);
  assert.ok(sim.store.find({ kind: 'ServiceAccount', namespace: 'fresh', name: 'default' }));
});

test('a ReplicaSet whose pods name a missing ServiceAccount records FailedCreate, then recovers when it appears', async () => {
  const full = await startSimulator({ speed: 10 });
  try {
    const d = deployment('robot-web');
    (d.spec.template.spec as Record<string, unknown>).serviceAccountName = 'robot';
    await post(full, '/apis/apps/v1/namespaces/default/deployments', d);
    const failed = await full.waitFor(() => full.store.objects({ kind: 'Event', namespace: 'default' }).find((e) => (e as any).reason === 'FailedCreate'), { what: 'FailedCreate event' });
    const rs = full.store.find({ kind: 'ReplicaSet', namespace: 'default' })!;
    assert.equal((failed as any).involvedObject.name, rs.metadata.name);
    assert.equal((failed as any).source.component, 'replicaset-controller');
    assert.equal((failed as any).message, `Error creating: pods "${rs.metadata.name}-" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found`);
    await full.waitFor(() => (full.store.find({ kind: 'ReplicaSet', namespace: 'default' })?.status as any)?.conditions?.some((c: any) => c.type === 'ReplicaFailure'), { what: 'ReplicaFailure' });

    await post(full, '/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    const created = await full.waitFor(() => full.store.objects({ kind: 'Event', namespace: 'default' }).find((e) => (e as any).reason === 'SuccessfulCreate' && (e as any).involvedObject.kind === 'ReplicaSet'), { what: 'SuccessfulCreate' });
    const podName = /^Created pod: (.+)$/.exec((created as any).message)?.[1];
    assert.ok(podName?.startsWith(`${rs.metadata.name}-`));
    assert.ok(full.store.find({ kind: 'Pod', namespace: 'default', name: podName }));
  } finally {
    await full.stop();
  }
});

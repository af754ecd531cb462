/** Deletion: finalizers, propagation policies and garbage collection, namespace teardown. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../../src/sim/index.js';
import { call, configMap, del, get, mergePatch, post, startCore } from './helpers.js';

let sim: Simulator;
before(async () => {
  sim = await startCore();
});
after(() => sim.stop());

const CMS = '/api/v1/namespaces/default/configmaps';
async function waitGone(path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await get(sim, path)).status !== 404) {
    if (Date.now() > deadline) throw new Error(`${path} still exists`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('finalizers keep a deleted object (deletionTimestamp set) until they are removed', async () => {
  await post(sim, CMS, { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/keep'] } });
  const d = await del(sim, `${CMS}/fin`);
  assert.equal(d.status, 200);
  assert.ok(d.body.metadata.deletionTimestamp);
  assert.equal(d.body.metadata.deletionGracePeriodSeconds, 0);
  const still = await get(sim, `${CMS}/fin`);
  assert.equal(still.status, 200);
  const addMore = await mergePatch(sim, `${CMS}/fin`, { metadata: { finalizers: ['example.com/keep', 'example.com/more'] } });
  assert.equal(addMore.status, 422);
  assert.match(addMore.body.message, /no new finalizers can be added if the object is being deleted/);
  const release = await mergePatch(sim, `${CMS}/fin`, { metadata: { finalizers: null } });
  assert.equal(release.status, 200);
  assert.equal((await get(sim, `${CMS}/fin`)).status, 404);
});

test('immediate delete of a built-in returns a Success Status; preconditions are checked', async () => {
  const c = (await post(sim, CMS, configMap('plain'))).body;
  const wrong = await del(sim, `${CMS}/plain`, { preconditions: { uid: 'nope' } });
  assert.equal(wrong.status, 409);
  assert.equal(wrong.body.message, `Operation cannot be fulfilled on configmaps "plain": Precondition failed: UID in precondition: nope, UID in object meta: ${c.metadata.uid}`);
  const d = await del(sim, `${CMS}/plain`);
  assert.deepEqual(d.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'plain', kind: 'configmaps', uid: c.metadata.uid }, code: 200 });
  const again = await del(sim, `${CMS}/plain`);
  assert.equal(again.status, 404);
});

function owned(name: string, owner: any) {
  return {
    ...configMap(name),
    metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }] },
  };
}

test('background propagation: dependents are garbage collected after the owner', async () => {
  const owner = (await post(sim, CMS, configMap('bg-owner'))).body;
  await post(sim, CMS, owned('bg-child', owner));
  await del(sim, `${CMS}/bg-owner`, { propagationPolicy: 'Background' });
  assert.equal((await get(sim, `${CMS}/bg-owner`)).status, 404);
  await waitGone(`${CMS}/bg-child`);
});

test('foreground propagation: the owner waits with foregroundDeletion until dependents are gone', async () => {
  const owner = (await post(sim, CMS, configMap('fg-owner'))).body;
  await post(sim, CMS, { ...owned('fg-child', owner), metadata: { ...owned('fg-child', owner).metadata, finalizers: ['example.com/hold'] } });
  const d = await del(sim, `${CMS}/fg-owner`, { propagationPolicy: 'Foreground' });
  assert.deepEqual(d.body.metadata.finalizers, ['foregroundDeletion']);
  await new Promise((r) => setTimeout(r, 50));
  const child = await get(sim, `${CMS}/fg-child`);
  assert.ok(child.body.metadata.deletionTimestamp, 'child is being deleted');
  assert.equal((await get(sim, `${CMS}/fg-owner`)).status, 200, 'owner waits for the child');
  await mergePatch(sim, `${CMS}/fg-child`, { metadata: { finalizers: null } });
  await waitGone(`${CMS}/fg-owner`);
});

test('orphan propagation: dependents lose the ownerReference and stay', async () => {
  const owner = (await post(sim, CMS, configMap('or-owner'))).body;
  await post(sim, CMS, owned('or-child', owner));
  await del(sim, `${CMS}/or-owner`, { propagationPolicy: 'Orphan' });
  await waitGone(`${CMS}/or-owner`);
  const child = await get(sim, `${CMS}/or-child`);
  assert.equal(child.status, 200);
  assert.equal(child.body.metadata.ownerReferences, undefined);
});

test('objects created with a dangling ownerReference are collected', async () => {
  await post(sim, CMS, owned('dangling', { metadata: { name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' } }));
  await waitGone(`${CMS}/dangling`);
});

test('deletecollection removes what the selector matches', async () => {
  for (const n of ['dc-1', 'dc-2']) await post(sim, CMS, { ...configMap(n), metadata: { name: n, labels: { batch: 'dc' } } });
  await post(sim, CMS, configMap('dc-keep'));
  const r = await del(sim, `${CMS}?labelSelector=batch%3Ddc`);
  assert.equal(r.status, 200);
  assert.equal(r.body.kind, 'ConfigMapList');
  assert.equal(r.body.items.length, 2);
  assert.equal((await get(sim, `${CMS}/dc-keep`)).status, 200);
});

test('namespace deletion: Terminating, new content refused, contents removed, then gone', async () => {
  await post(sim, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
  const ns = (await get(sim, '/api/v1/namespaces/doomed')).body;
  assert.equal(ns.status.phase, 'Active');
  assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
  assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'doomed');
  await post(sim, '/api/v1/namespaces/doomed/configmaps', { ...configMap('held', {}, 'doomed'), metadata: { name: 'held', namespace: 'doomed', finalizers: ['example.com/hold'] } });
  const d = await del(sim, '/api/v1/namespaces/doomed');
  assert.equal(d.status, 200);
  assert.equal(d.body.status.phase, 'Terminating');
  const refused = await post(sim, '/api/v1/namespaces/doomed/configmaps', configMap('late', {}, 'doomed'));
  assert.equal(refused.status, 403);
  assert.equal(refused.body.reason, 'Forbidden');
  assert.equal(refused.body.message, 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  assert.equal(refused.body.details.causes[0].reason, 'NamespaceTerminating');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await get(sim, '/api/v1/namespaces/doomed')).status, 200, 'waits for the finalizer of its content');
  await mergePatch(sim, '/api/v1/namespaces/doomed/configmaps/held', { metadata: { finalizers: null } });
  await waitGone('/api/v1/namespaces/doomed');
});

test('the default namespaces exist and cannot be deleted', async () => {
  for (const n of ['default', 'kube-system', 'kube-public']) assert.equal((await get(sim, `/api/v1/namespaces/${n}`)).status, 200);
  const r = await del(sim, '/api/v1/namespaces/kube-system');
  assert.equal(r.status, 403);
  assert.equal(r.body.message, 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
});

test('invalid propagationPolicy is rejected', async () => {
  await post(sim, CMS, configMap('pp'));
  const r = await call(sim, 'DELETE', `${CMS}/pp`, { propagationPolicy: 'Sideways' });
  assert.equal(r.status, 422);
});

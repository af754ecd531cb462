import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installOrUpgrade } from '../../src/actions/install.js';
import { uninstall } from '../../src/actions/uninstall.js';
import { PART_OF, USED_BY } from '../../src/apply/ownership.js';
import type { K8sObject } from '../../src/core/object.js';
import { fastWait, RecordingProgress, startPlatform, type Platform } from '../helpers/platform.js';
import { request } from './chart.js';

// Releases must not break each other: nothing is taken over silently, shared objects live as long
// as one release uses them, and prune and uninstall delete only what still belongs to the release.

let p: Platform;
before(async () => {
  p = await startPlatform({ operators: [], crds: [] });
});
after(() => p.stop());

const wait = { ...fastWait, timeoutMs: 20_000 };
const clusterRole = (name: string): K8sObject | undefined => p.sim.store.objects({ kind: 'ClusterRole' }).find((o) => o.metadata.name === name);
const configMap = (ns: string, name: string): K8sObject | undefined => p.sim.store.objects({ kind: 'ConfigMap', namespace: ns }).find((o) => o.metadata.name === name);
const setId = (ns: string, release: string) => p.sim.store.objects({ kind: 'Secret', namespace: ns }).find((o) => o.metadata.name === `inferctl.release.${release}`)?.metadata.labels?.['applyset.kubernetes.io/id'];

test('an object made outside inferctl is refused, naming it and the way out; --take-ownership adopts it and says so', async () => {
  p.sim.client('kubectl').apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'own-a' } });
  p.sim.client('kubectl').apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r1-settings', namespace: 'own-a' }, data: { setting: 'hand-made' } });
  await assert.rejects(installOrUpgrade(p.ctx(), request('r1', 'own-a', ['className=r1-class'], wait), 'install'), (err: Error) => {
    assert.match(err.message, /ConfigMap own-a\/r1-settings already exists and was not created by inferctl \(it has no ApplySet membership label/);
    assert.match(err.message, /never takes over an object silently/);
    assert.match(err.message, /re-run with --take-ownership to adopt it \(it then belongs to release r1/);
    return true;
  });
  assert.equal((configMap('own-a', 'r1-settings')?.data as Record<string, string> | undefined)?.setting, 'hand-made', 'the hand-made object is untouched');
  assert.equal(configMap('own-a', 'r1-settings')?.metadata.labels?.[PART_OF], undefined);
  assert.equal(p.sim.store.objects({ kind: 'Deployment', namespace: 'own-a' }).length, 0, 'nothing after the refusal was applied');

  const progress = new RecordingProgress();
  const result = await installOrUpgrade(p.ctx(progress), request('r1', 'own-a', ['className=r1-class'], wait, { takeOwnership: true }), 'install');
  assert.equal(result.record.status, 'deployed');
  assert.deepEqual(result.notes.adopted, ['ConfigMap own-a/r1-settings']);
  assert.ok(progress.events.some((e) => e.type === 'info' && /adopting ConfigMap own-a\/r1-settings, which was not created by inferctl/.test(e.message)));
  assert.equal((configMap('own-a', 'r1-settings')?.data as Record<string, string> | undefined)?.setting, 'one', 'now rendered by the release');
  assert.equal(configMap('own-a', 'r1-settings')?.metadata.labels?.[PART_OF], setId('own-a', 'r1'));
});

test("a cluster-scoped name another release uses is refused naming that release and the values key; another name installs", async () => {
  await installOrUpgrade(p.ctx(), request('infra', 'team-a', ['className=llm-gateway'], wait), 'install');
  await assert.rejects(installOrUpgrade(p.ctx(), request('infra', 'team-b', ['className=llm-gateway'], wait), 'install'), (err: Error) => {
    assert.match(err.message, /ClusterRole llm-gateway already exists and belongs to release infra in namespace team-a \(reliability-chart-1\.0\.0\)/);
    assert.match(err.message, /It is cluster-scoped, so releases in different namespaces share its name/);
    assert.match(err.message, /set className to another name for this release/);
    return true;
  });
  assert.equal(clusterRole('llm-gateway')?.metadata.labels?.[PART_OF], setId('team-a', 'infra'), 'still team-a\'s');
  const ok = await installOrUpgrade(p.ctx(), request('infra', 'team-b', ['className=llm-gateway-b'], wait), 'install');
  assert.equal(ok.record.status, 'deployed');
});

test("an object adopted by another release is left alone by its old release's upgrade and uninstall", async () => {
  await installOrUpgrade(p.ctx(), request('old', 'own-old', ['className=moving-class'], wait), 'install');
  await installOrUpgrade(p.ctx(), request('new', 'own-new', ['className=moving-class'], wait, { takeOwnership: true }), 'install');
  const adopted = clusterRole('moving-class')!;
  assert.equal(adopted.metadata.labels?.[PART_OF], setId('own-new', 'new'));

  // The old release stops rendering it: prune must not delete what is no longer its own.
  const progress = new RecordingProgress();
  const up = await installOrUpgrade(p.ctx(progress), request('old', 'own-old', ['className=old-class'], wait), 'upgrade');
  assert.deepEqual(up.pruned, []);
  assert.ok(progress.events.some((e) => e.type === 'kept' && e.object === 'ClusterRole moving-class' && /another release adopted it/.test(e.reason)));
  assert.equal(clusterRole('moving-class')?.metadata.uid, adopted.metadata.uid, 'same object, not deleted and recreated');

  const gone = await uninstall(p.ctx(), { name: 'old', namespace: 'own-old', purge: true, wait });
  assert.ok(gone.deleted.includes('ClusterRole old-class'));
  assert.ok(!gone.deleted.includes('ClusterRole moving-class'));
  assert.equal(clusterRole('moving-class')?.metadata.uid, adopted.metadata.uid);
});

test('a shared singleton: the first release creates it, the next registers; it outlives either uninstall until the last user goes', async () => {
  const first = await installOrUpgrade(p.ctx(), request('infra', 'share-a', ['shared=true', 'className=share-a'], wait), 'install');
  const made = clusterRole('shared-singleton')!;
  assert.equal(made.metadata.annotations?.[USED_BY], 'share-a/infra');
  assert.deepEqual(first.notes.shared, []);
  const second = await installOrUpgrade(p.ctx(), request('infra', 'share-b', ['shared=true', 'className=share-b'], wait), 'install');
  assert.equal(second.record.status, 'deployed');
  assert.deepEqual(second.notes.shared, ['ClusterRole shared-singleton (belongs to release infra in namespace share-a (reliability-chart-1.0.0))']);
  assert.equal(clusterRole('shared-singleton')?.metadata.annotations?.[USED_BY], 'share-a/infra,share-b/infra');
  assert.equal(clusterRole('shared-singleton')?.metadata.labels?.[PART_OF], setId('share-a', 'infra'), 'one owner, not taken over');

  // A third release that would render it differently cannot share it.
  await assert.rejects(installOrUpgrade(p.ctx(), request('infra', 'share-c', ['shared=true', 'sharedVerb=delete', 'className=share-c'], wait), 'install'), (err: Error) => {
    assert.match(err.message, /ClusterRole shared-singleton is shared by the releases that use it and belongs to release infra in namespace share-a/);
    assert.match(err.message, /renders it differently \(\.rules\)/);
    return true;
  });
  assert.equal(clusterRole('shared-singleton')?.metadata.annotations?.[USED_BY], 'share-a/infra,share-b/infra', 'the refused release did not register');

  // The owner goes first: the object stays and passes to the remaining user.
  const progress = new RecordingProgress();
  const a = await uninstall(p.ctx(progress), { name: 'infra', namespace: 'share-a', purge: true, wait });
  assert.ok(!a.deleted.includes('ClusterRole shared-singleton'));
  assert.ok(progress.events.some((e) => e.type === 'kept' && e.object === 'ClusterRole shared-singleton' && /still used by share-b\/infra; release infra in namespace share-b owns it now/.test(e.reason)));
  const handed = clusterRole('shared-singleton')!;
  assert.equal(handed.metadata.uid, made.metadata.uid);
  assert.equal(handed.metadata.annotations?.[USED_BY], 'share-b/infra');
  assert.equal(handed.metadata.labels?.[PART_OF], setId('share-b', 'infra'));

  // The last user's uninstall deletes it.
  const b = await uninstall(p.ctx(), { name: 'infra', namespace: 'share-b', purge: true, wait });
  assert.ok(b.deleted.includes('ClusterRole shared-singleton'));
  assert.equal(clusterRole('shared-singleton'), undefined);
});

test('prune deletes what left the render and returns only once it is gone (a finalizer holds it meanwhile)', async () => {
  await installOrUpgrade(p.ctx(), request('pr', 'own-prune', ['pdb=true', 'className=pr-class'], wait), 'install');
  const pdb = p.sim.store.objects({ kind: 'PodDisruptionBudget', namespace: 'own-prune' })[0];
  assert.equal(pdb?.metadata.name, 'pr-pdb');
  p.sim.client('finalizer-test').apply({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pr-pdb', namespace: 'own-prune', finalizers: ['example.com/hold'] } });
  // Something else releases the finalizer a little later, as a controller would.
  const releaseLater = setTimeout(() => {
    p.sim.client('finalizer-test').apply({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pr-pdb', namespace: 'own-prune', finalizers: [] } });
  }, 400);
  const started = Date.now();
  const up = await installOrUpgrade(p.ctx(), request('pr', 'own-prune', ['pdb=false', 'className=pr-class'], wait), 'upgrade');
  clearTimeout(releaseLater);
  assert.deepEqual(up.pruned, ['PodDisruptionBudget own-prune/pr-pdb']);
  assert.ok(Date.now() - started >= 350, 'the upgrade waited for the finalizer');
  assert.equal(p.sim.store.objects({ kind: 'PodDisruptionBudget', namespace: 'own-prune' }).length, 0, 'gone when the upgrade returned');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyEngine, ApplyFailure, type EngineOptions } from '../../src/apply/engine.js';
import type { ProgressEvent } from '../../src/apply/progress.js';
import type { K8sObject } from '../../src/core/object.js';
import { describeObject } from '../../src/core/object.js';
import { FakeKube } from '../../src/kube/fake.js';
import { KubeApiError } from '../../src/kube/types.js';
import { PlanError } from '../../src/render/order.js';
import type { GroupSpec, PlannedObject } from '../../src/render/types.js';
import { configMap, fakeCluster, job, ref, setReady, widget } from '../helpers/fake-cluster.js';

// The apply engine on an in-memory cluster: ordering, waiting, retries, conflicts and failures,
// each decided by what the cluster says, never by how fast this machine is.

function engine(kube: FakeKube, extra: Partial<EngineOptions> = {}, onEvent: (ev: ProgressEvent) => void = () => {}) {
  const events: ProgressEvent[] = [];
  const e = new ApplyEngine({
    kube,
    progress: { emit: (ev) => (events.push(ev), onEvent(ev)), close() {} },
    memberLabels: { 'applyset.kubernetes.io/part-of': 'applyset-test' },
    force: false,
    wait: true,
    dryRun: false,
    timeoutMs: 10_000,
    pollMs: 1,
    failGraceMs: 0,
    ...extra,
  });
  return { e, events };
}

const group = (name: string, dependsOn: string[] = [], gates?: GroupSpec['gates']): GroupSpec => ({ name, dependsOn, description: name, ...(gates ? { gates } : {}) });
const planned = (object: K8sObject, g: string, extra: Partial<PlannedObject> = {}): PlannedObject => ({ object, group: g, source: 'test', ...extra });
const applyOrder = (kube: FakeKube) => kube.calls.filter((c) => c.verb === 'apply').map((c) => c.ref.split('/').pop());

test('a group starts only once the groups it depends on are ready', async () => {
  const kube = fakeCluster();
  const db = widget('db');
  kube.react('Widget', (w, fake) => {
    if (w.metadata.name === 'db' && !w.status) setReady(fake, w, 'False');
  });
  let readyAt = -1;
  // The database's operator reports Ready only after the engine has seen it waiting once.
  const { e, events } = engine(kube, {}, (ev) => {
    if (ev.type === 'waiting' && ev.object === 'Widget ns/db' && readyAt < 0) {
      setReady(kube, db, 'True');
      readyAt = kube.calls.length;
    }
  });
  await e.run([planned(db, 'database'), planned(configMap('settings'), 'config'), planned(widget('app'), 'app')], [group('database'), group('config'), group('app', ['database', 'config'])]);
  const appApply = kube.calls.findIndex((c) => c.verb === 'apply' && c.ref.endsWith('/app'));
  assert.ok(readyAt > 0 && appApply > readyAt, `app applied (call ${appApply}) after db became ready (call ${readyAt})`);
  assert.deepEqual(events.filter((ev) => ev.type === 'group-done').map((ev) => (ev as { group: string }).group).sort(), ['app', 'config', 'database']);
  assert.equal(kube.all('Widget').find((w) => w.metadata.name === 'app')!.metadata.labels!['applyset.kubernetes.io/part-of'], 'applyset-test', 'members carry the ApplySet label');
});

test('an object in a group the plan does not declare stops the run before anything is applied', async () => {
  const kube = fakeCluster();
  const { e } = engine(kube);
  const before = kube.calls.length;
  await assert.rejects(e.run([planned(configMap('a'), 'config'), planned(configMap('b'), 'typo')], [group('config')]), (err: Error) => {
    assert.ok(err instanceof PlanError);
    assert.match(err.message, /ConfigMap ns\/b is in group "typo", which the plan does not declare \(declared: config\); nothing was applied/);
    return true;
  });
  assert.equal(kube.calls.length, before, 'no call reached the cluster');
  await assert.rejects(engine(kube).e.run([planned(configMap('a'), 'a')], [group('a', ['b']), group('b', ['a'])]), /cycle: a -> b -> a/);
});

test('CRDs and Namespaces of a group are applied and ready first, then discovery is refreshed, then the rest', async () => {
  const kube = fakeCluster();
  const crd: K8sObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com' } };
  kube.react('CustomResourceDefinition', (c, fake) => fake.mutate(ref(c), (o) => void (o.status = { conditions: [{ type: 'Established', status: 'True' }, { type: 'NamesAccepted', status: 'True' }] })));
  const ns: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } };
  const { e } = engine(kube);
  await e.run([planned(widget('w', {}, 'team'), 'all'), planned(crd, 'all'), planned(ns, 'all')], [group('all')]);
  assert.deepEqual(applyOrder(kube).slice(1), ['widgets.example.com', 'team', 'w']);
  assert.equal(kube.discoveryRefreshes, 1);
});

test('transient apply errors (5xx, webhook without endpoints) are retried until they pass', async () => {
  const kube = fakeCluster();
  kube.fail('apply', { name: 'cluster' }, () => new KubeApiError('Internal error occurred: failed calling webhook "vcluster.cnpg.io": no endpoints available for service "cnpg-webhook-service"', 500, 'InternalError'), 2);
  const { e, events } = engine(kube);
  await e.run([planned(widget('cluster'), 'db')], [group('db')]);
  const retries = events.filter((ev) => ev.type === 'waiting' && /apply retried: .*no endpoints available/.test((ev as { message: string }).message));
  assert.equal(retries.length, 2);
  assert.ok(kube.all('Widget').some((w) => w.metadata.name === 'cluster'));
});

test('a rejection is not retried: the API server message is the error', async () => {
  const kube = fakeCluster();
  kube.fail('apply', { name: 'bad' }, () => new KubeApiError('Widget.example.com "bad" is invalid: spec.size: Invalid value: -1: must be >= 0', 422, 'Invalid'));
  const { e } = engine(kube);
  await assert.rejects(e.run([planned(widget('bad'), 'g'), planned(configMap('later'), 'after')], [group('g'), group('after', ['g'])]), (err: Error) => {
    assert.ok(err instanceof ApplyFailure);
    assert.equal(err.message, 'Widget ns/bad was rejected by the API server (422 Invalid): Widget.example.com "bad" is invalid: spec.size: Invalid value: -1: must be >= 0\n  not started: after (after g)');
    return true;
  });
  assert.equal(kube.calls.filter((c) => c.verb === 'apply' && c.ref.endsWith('/bad')).length, 1, 'tried once');
  assert.ok(!kube.all('ConfigMap').some((c) => c.metadata.name === 'later'), 'nothing after it was applied');
});

test('a field another manager changed (kubectl edit, scale) is taken back and reported as reverted, with who changed it', async () => {
  const kube = fakeCluster();
  await engine(kube).e.run([planned(configMap('settings', { mode: 'ours' }), 'config')], [group('config')]);
  await kube.applyAs('kubectl-edit', configMap('settings', { mode: 'theirs' }));
  const mode = () => (kube.all('ConfigMap').find((c) => c.metadata.name === 'settings')!.data as Record<string, string>).mode;
  assert.equal(mode(), 'theirs', 'drifted');
  const { e, events } = engine(kube);
  await e.run([planned(configMap('settings', { mode: 'ours' }), 'config')], [group('config')]);
  assert.equal(mode(), 'ours', 'the rendered state is back');
  assert.deepEqual(e.notes.reverted, ['ConfigMap ns/settings .data.mode (changed by kubectl-edit)']);
  assert.ok(events.some((ev) => ev.type === 'info' && /reverting ConfigMap ns\/settings \.data\.mode \(changed by kubectl-edit\)/.test(ev.message)));
  const applies = kube.calls.filter((c) => c.verb === 'apply' && c.ref.endsWith('/settings'));
  assert.deepEqual(applies.slice(-2).map((c) => c.force ?? false), [false, true], 'tried without force, then took the fields back');
  // With --force-conflicts the fields are taken at once, without a conflict to report.
  await kube.applyAs('kubectl-edit', configMap('settings', { mode: 'theirs-again' }));
  const forced = engine(kube, { force: true });
  await forced.e.run([planned(configMap('settings', { mode: 'ours' }), 'config')], [group('config')]);
  assert.deepEqual(forced.e.notes.reverted, []);
  assert.equal(mode(), 'ours');
});

test('an object that never gets ready: the timeout names it, its last condition and what to run', async () => {
  const kube = fakeCluster();
  kube.react('Widget', (w, fake) => {
    if (!w.status) setReady(fake, w, 'False', 'WaitingForStorage');
  });
  await assert.rejects(engine(kube, { timeoutMs: 50 }).e.run([planned(widget('stuck'), 'db')], [group('db')]), (err: Error) => {
    assert.ok(err instanceof ApplyFailure);
    assert.match(err.message, /^timed out after 0s waiting for objects of group db\n  - Widget ns\/stuck \(group db\): .*WaitingForStorage.*\n    next: kubectl describe widget\.example\.com stuck -n ns$/);
    assert.deepEqual(err.appliedGroups, []);
    return true;
  });
});

test('a failure that persists past the grace period fails the group at once, without waiting for the timeout', async () => {
  const kube = fakeCluster();
  kube.react('Widget', (w, fake) => {
    if (!w.status) fake.mutate(ref(w), (o) => void (o.status = { conditions: [{ type: 'Stalled', status: 'True', reason: 'ImageNotFound', message: 'image foo:1 not found' }] }));
  });
  const started = kube.calls.length;
  await assert.rejects(engine(kube, { timeoutMs: 3_600_000 }).e.run([planned(widget('broken'), 'app')], [group('app')]), /group app failed\n  - Widget ns\/broken \(group app\): .*ImageNotFound: image foo:1 not found/);
  assert.ok(kube.calls.length - started < 20, 'gave up on the first failed readiness (grace 0), not after polling until the timeout');
});

test('a gate on something outside the release: the group waits, and the timeout says why and where to look', async () => {
  const kube = fakeCluster();
  const gate = { kind: 'deployment-available' as const, namespace: 'cnpg-system', name: 'cnpg-controller-manager', why: 'the CNPG webhook must answer before a Cluster can be created' };
  await assert.rejects(engine(kube, { timeoutMs: 30 }).e.run([planned(widget('cluster'), 'postgresql')], [group('postgresql', [], [gate])]), (err: Error) => {
    assert.match(err.message, /^timed out before group postgresql could start: the CNPG webhook must answer before a Cluster can be created\n  - Deployment cnpg-system\/cnpg-controller-manager \(group postgresql\): Deployment cnpg-system\/cnpg-controller-manager does not exist yet\n    next: is the operators layer installed\?/);
    return true;
  });
  assert.ok(!kube.all('Widget').length, 'the gated group applied nothing');
});

test('Jobs are immutable: a changed Job is deleted and created again; an unchanged one is left alone', async () => {
  const kube = fakeCluster();
  const v1 = job('migrate', 'tool:1');
  await engine(kube).e.run([planned(v1, 'migrate', { replaceOnChange: true })], [group('migrate')]);
  const previous = new Map([[describeObject(v1), v1]]);

  const same = engine(kube, { previous });
  const callsBefore = kube.calls.length;
  await same.e.run([planned(job('migrate', 'tool:1'), 'migrate', { replaceOnChange: true })], [group('migrate')]);
  assert.ok(!kube.calls.slice(callsBefore).some((c) => c.verb === 'delete'), 'same template: not deleted');
  assert.deepEqual(same.events.filter((ev) => ev.type === 'applied').map((ev) => (ev as { action: string }).action), ['unchanged']);

  const changed = engine(kube, { previous });
  const from = kube.calls.length;
  await changed.e.run([planned(job('migrate', 'tool:2'), 'migrate', { replaceOnChange: true })], [group('migrate')]);
  const calls = kube.calls.slice(from).filter((c) => c.verb !== 'get' && c.verb !== 'list').map((c) => c.verb);
  assert.deepEqual(calls, ['delete', 'apply'], 'deleted, then created from the new template');
  assert.deepEqual(changed.events.filter((ev) => ev.type === 'applied').map((ev) => (ev as { action: string }).action), ['replaced']);
  const live = kube.all('Job')[0] as any;
  assert.equal(live.spec.template.spec.containers[0].image, 'tool:2');
  assert.equal(live.status.succeeded, 1, 'the new Job ran');
});

test('--dry-run sends every object as a dry run and changes nothing', async () => {
  const kube = fakeCluster();
  const rvBefore = kube.currentResourceVersion();
  const callsBefore = kube.calls.length;
  await engine(kube, { dryRun: true }).e.run([planned(configMap('a'), 'one'), planned(widget('b'), 'two')], [group('one'), group('two', ['one'])]);
  assert.deepEqual(kube.calls.slice(callsBefore).filter((c) => c.verb === 'apply').map((c) => c.dryRun), [true, true]);
  assert.equal(kube.currentResourceVersion(), rvBefore);
  assert.equal(kube.all('ConfigMap').length, 0);
});

/**
 * Realistic lifecycle delays: pods stay Terminating for their grace period (scaled by speed) and
 * CRDs are served about a second after their names are accepted. Only lower bounds on elapsed time
 * are asserted (timers never fire early), so a loaded machine cannot make these flake.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { StoreEvent } from '../../src/sim/store.js';
import { get, post, startCore, widgetCrd } from './helpers.js';
import { kubectlFor } from './kubectl-run.js';

let sim: Simulator | undefined;
after(() => sim?.stop());

const cond = (o: K8sObject | undefined, type: string) => ((o?.status as any)?.conditions ?? []).find((c: any) => c.type === type);

function pod(name: string, grace?: number): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { ...(grace === undefined ? {} : { terminationGracePeriodSeconds: grace }), containers: [{ name: 'c', image: 'busybox' }] },
  } as K8sObject;
}

test('kubectl delete: a pod is Terminating for its grace period (scaled by speed), the shorter grace ends first', async () => {
  const speed = 4;
  sim = await startSimulator({ speed });
  const kubectl = kubectlFor(sim);
  try {
    const gone = new Map<string, number>();
    sim.store.subscribe((e: StoreEvent) => {
      if (e.type === 'DELETED' && e.storageKey === '/pods') gone.set(e.object.metadata.name, Date.now());
    });
    const c = sim.client();
    c.create(pod('long'));
    c.create(pod('short', 2));
    await sim.waitFor(() => ['long', 'short'].every((n) => cond(sim!.store.find({ kind: 'Pod', name: n }), 'Ready')?.status === 'True'), { what: 'pods ready' });

    const started = Date.now();
    const deleted = await kubectl.run('delete', 'pod', 'short', 'long', '--wait=false');
    assert.equal(deleted.code, 0, deleted.stderr);
    const long = sim.store.find({ kind: 'Pod', name: 'long' })!;
    assert.equal(long.metadata.deletionGracePeriodSeconds, 30, 'spec default');
    assert.ok(long.metadata.deletionTimestamp);
    assert.equal(sim.store.find({ kind: 'Pod', name: 'short' })?.metadata.deletionGracePeriodSeconds, 2);

    await sim.waitFor(() => gone.has('short'), { what: 'short pod gone' });
    assert.ok(gone.get('short')! - started >= (2 * 1000) / speed - 20, 'not before its 2 s of grace (at speed 4)');
    assert.ok(sim.store.find({ kind: 'Pod', name: 'long' }), 'the 30 s pod is still terminating');

    // --grace-period=0 --force skips the kubelet, as on a real cluster.
    const forced = await kubectl.run('delete', 'pod', 'long', '--grace-period=0', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(sim.store.find({ kind: 'Pod', name: 'long' }), undefined, '--force deletes at once');
  } finally {
    kubectl.cleanup();
    await sim.stop();
    sim = undefined;
  }
});

test('a CRD has its names accepted at once and is Established and served about a second later', async () => {
  sim = await startCore();
  const marks: { rv: number; at: number; names: boolean; established: boolean }[] = [];
  sim.store.subscribe((e: StoreEvent) => {
    if (e.storageKey !== 'apiextensions.k8s.io/customresourcedefinitions') return;
    marks.push({ rv: e.rv, at: Date.now(), names: cond(e.object, 'NamesAccepted')?.status === 'True', established: cond(e.object, 'Established')?.status === 'True' });
  });
  const started = Date.now();
  const r = await post(sim, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd());
  assert.equal(r.status, 201);
  await sim.waitFor(() => marks.some((m) => m.established), { what: 'Established' });
  const named = marks.find((m) => m.names)!;
  const established = marks.find((m) => m.established)!;
  assert.ok(named.rv < established.rv, 'NamesAccepted before Established');
  assert.ok(!named.established);
  assert.ok(established.at - started >= 950, `served after about a second (took ${established.at - started} ms)`);
  assert.equal((await get(sim, '/apis/example.com/v1/namespaces/default/widgets')).status, 200);
});

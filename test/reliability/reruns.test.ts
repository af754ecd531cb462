import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyFailure } from '../../src/apply/engine.js';
import { diff } from '../../src/actions/diff.js';
import { installOrUpgrade } from '../../src/actions/install.js';
import { status } from '../../src/actions/status.js';
import type { K8sObject } from '../../src/core/object.js';
import { fastWait, RecordingProgress, startPlatform, type Platform } from '../helpers/platform.js';
import { request } from './chart.js';

// Re-runs converge: what an unfinished revision applied is pruned later, failed Jobs are run again,
// drift is reported and repaired without fighting autoscalers, and persistent pod problems fail fast.

let p: Platform;
before(async () => {
  p = await startPlatform({ operators: [], crds: [] });
});
after(() => p.stop());

const wait = { ...fastWait, timeoutMs: 30_000 };
const find = (kind: string, ns: string, name: string): K8sObject | undefined => p.sim.store.objects({ kind, namespace: ns }).find((o) => o.metadata.name === name);

async function failure(promise: Promise<unknown>): Promise<ApplyFailure> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApplyFailure, `expected an ApplyFailure, got ${(err as Error).stack}`);
    return err;
  }
  assert.fail('expected the operation to fail');
}

test('objects a failed upgrade created and the next render drops are pruned by the next upgrade', async () => {
  const ns = 'rr-orphan';
  await installOrUpgrade(p.ctx(), request('o', ns, ['className=rr-o'], wait), 'install');
  const rule = p.sim.script({ kind: 'Deployment', namespace: ns, name: 'o-app', imagePullError: true });
  await failure(installOrUpgrade(p.ctx(), request('o', ns, ['className=rr-o', 'pdb=true', 'appImage=nginx:broken'], wait), 'upgrade'));
  rule.remove();
  assert.ok(find('PodDisruptionBudget', ns, 'o-pdb'), 'the failed upgrade created the PDB');
  const r = await installOrUpgrade(p.ctx(), request('o', ns, ['className=rr-o'], wait), 'upgrade');
  assert.deepEqual(r.pruned, [`PodDisruptionBudget ${ns}/o-pdb`]);
  assert.equal(find('PodDisruptionBudget', ns, 'o-pdb'), undefined);
});

test('an interrupted upgrade: the next one prunes what it had applied', async () => {
  const ns = 'rr-interrupted';
  await installOrUpgrade(p.ctx(), request('i', ns, ['className=rr-i'], wait), 'install');
  const controller = new AbortController();
  const progress = new RecordingProgress();
  const sink = { emit: (e: Parameters<RecordingProgress['emit']>[0]) => { progress.emit(e); if (e.type === 'group-done' && e.group === 'settings') controller.abort(); }, close() {} };
  const hold = p.sim.script({ kind: 'Job', namespace: ns, name: 'i-migrate', hold: true });
  await assert.rejects(installOrUpgrade(p.ctx(sink), request('i', ns, ['className=rr-i', 'pdb=true', 'jobImage=busybox:2'], { ...wait, signal: controller.signal }), 'upgrade'), /interrupted/);
  hold.remove();
  assert.equal((await p.ctx().store.history('i', ns)).at(-1)?.status, 'failed');
  assert.ok(find('PodDisruptionBudget', ns, 'i-pdb'));
  const r = await installOrUpgrade(p.ctx(), request('i', ns, ['className=rr-i'], wait), 'upgrade');
  assert.deepEqual(r.pruned, [`PodDisruptionBudget ${ns}/i-pdb`]);
});

test('a failed Job no longer blocks re-runs: it is replaced, and the run says why', async () => {
  const ns = 'rr-job';
  const fail = p.sim.script({ kind: 'Job', namespace: ns, name: 'j-migrate', outcome: 'fail', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  const err = await failure(installOrUpgrade(p.ctx(), request('j', ns, ['className=rr-j'], wait), 'install'));
  assert.match(err.message, /group migration failed/);
  assert.match(err.message, /Job rr-job\/j-migrate/);
  assert.match(err.message, /BackoffLimitExceeded/);
  fail.remove();
  const failedUid = find('Job', ns, 'j-migrate')!.metadata.uid;
  const progress = new RecordingProgress();
  const r = await installOrUpgrade(p.ctx(progress), request('j', ns, ['className=rr-j'], wait), 'install');
  assert.equal(r.record.status, 'deployed');
  assert.ok(progress.events.some((e) => e.type === 'info' && /^Job rr-job\/j-migrate is replaced: it had failed \(BackoffLimitExceeded/.test(e.message)));
  assert.notEqual(find('Job', ns, 'j-migrate')!.metadata.uid, failedUid, 'a new Job ran');
  // Unchanged and succeeded: the next upgrade leaves it alone.
  const again = new RecordingProgress();
  await installOrUpgrade(p.ctx(again), request('j', ns, ['className=rr-j', 'setting=two'], wait), 'upgrade');
  assert.ok(again.events.some((e) => e.type === 'applied' && e.object === `Job ${ns}/j-migrate` && e.action === 'unchanged'));
});

test('drift by hand: diff and status name the fields and who changed them; upgrade reverts all of it and says so', async () => {
  const ns = 'rr-drift';
  await installOrUpgrade(p.ctx(), request('d', ns, ['className=rr-d', 'replicas=2'], wait), 'install');
  const kubectl = p.sim.client('kubectl-edit');
  kubectl.patch('apps/v1', 'Deployment', ns, 'd-app', { spec: { replicas: 5 } });
  kubectl.patch('v1', 'ConfigMap', ns, 'd-settings', { data: { setting: 'edited' } });

  const changes = await diff(p.ctx(), request('d', ns, ['className=rr-d', 'replicas=2'], wait));
  const drift = changes.filter((c) => c.change === 'drift');
  assert.deepEqual(drift.map((c) => c.object).sort(), [`ConfigMap ${ns}/d-settings`, `Deployment ${ns}/d-app`]);
  assert.match(drift.find((c) => c.object.startsWith('Deployment'))!.diff, /drift: \.spec\.replicas \(changed by kubectl-edit\); the upgrade takes it back/);
  assert.match(drift.find((c) => c.object.startsWith('Deployment'))!.diff, /-  replicas: 5\n\+  replicas: 2/);

  const report = await status(p.ctx(), 'd', ns);
  const drifted = report.objects.filter((o) => o.drift).map((o) => [o.object, o.drift!.map((d) => `${d.field} by ${d.manager}`).join()]);
  assert.deepEqual(drifted.sort(), [[`ConfigMap ${ns}/d-settings`, '.data.setting by kubectl-edit'], [`Deployment ${ns}/d-app`, '.spec.replicas by kubectl-edit']]);

  const r = await installOrUpgrade(p.ctx(), request('d', ns, ['className=rr-d', 'replicas=2'], wait), 'upgrade');
  assert.deepEqual(r.notes.reverted.sort(), [`ConfigMap ${ns}/d-settings .data.setting (changed by kubectl-edit)`, `Deployment ${ns}/d-app .spec.replicas (changed by kubectl-edit)`]);
  assert.equal((find('Deployment', ns, 'd-app')!.spec as { replicas: number }).replicas, 2);
  assert.equal((find('ConfigMap', ns, 'd-settings')!.data as Record<string, string>).setting, 'one');
  assert.deepEqual((await status(p.ctx(), 'd', ns)).objects.filter((o) => o.drift), []);
});

test('an autoscaler owns replicas: upgrade, diff and status leave them to it', async () => {
  const ns = 'rr-hpa';
  await installOrUpgrade(p.ctx(), request('a', ns, ['className=rr-a', 'replicas=1'], wait), 'install');
  p.sim.client('kubectl').apply({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'a-app', namespace: ns },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'a-app' }, minReplicas: 1, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
  });
  p.sim.client('horizontal-pod-autoscaler').patch('apps/v1', 'Deployment', ns, 'a-app', { spec: { replicas: 3 } });
  const changes = await diff(p.ctx(), request('a', ns, ['className=rr-a', 'replicas=1', 'setting=two'], wait));
  assert.equal(changes.find((c) => c.object === `Deployment ${ns}/a-app`)?.change, 'unchanged');
  const progress = new RecordingProgress();
  const r = await installOrUpgrade(p.ctx(progress), request('a', ns, ['className=rr-a', 'replicas=1', 'setting=two'], wait), 'upgrade');
  assert.deepEqual(r.notes.reverted, []);
  assert.equal((find('Deployment', ns, 'a-app')!.spec as { replicas: number }).replicas, 3, 'the autoscaler\'s choice stands');
  assert.ok(progress.events.some((e) => e.type === 'info' && e.message === `Deployment ${ns}/a-app: replicas left to its autoscaler`));
});

test('a pod that cannot start fails the wait after the grace period, quoting its events, and every blocked group is reported', async () => {
  const ns = 'rr-mount';
  const started = Date.now();
  const err = await failure(installOrUpgrade(p.ctx(), request('m', ns, ['className=rr-m', 'mountSecret=db-credentials', 'sidecarApp=true'], { ...wait, timeoutMs: 60_000 }), 'install'));
  assert.ok(Date.now() - started < 20_000, `failed fast (${Date.now() - started} ms), not at the 60 s timeout`);
  assert.match(err.message, /FailedMount/);
  assert.match(err.message, /secret "db-credentials" not found/);
  for (const name of ['m-app', 'm-side']) assert.match(err.message, new RegExp(`Deployment ${ns}/${name}`), `${name} is reported`);
});

test('unschedulable and crash-looping pods fail fast with the scheduler\'s and the container\'s words', async () => {
  const gpu = await failure(installOrUpgrade(p.ctx(), request('g', 'rr-gpu', ['className=rr-g', 'gpus=1'], { ...wait, timeoutMs: 60_000 }), 'install'));
  assert.match(gpu.message, /Insufficient nvidia\.com\/gpu/);
  const crash = p.sim.script({ kind: 'Deployment', namespace: 'rr-crash', name: 'c-app', crashLoop: { exitCode: 3, message: 'config invalid' } });
  try {
    const err = await failure(installOrUpgrade(p.ctx(), request('c', 'rr-crash', ['className=rr-c'], { ...wait, timeoutMs: 60_000 }), 'install'));
    assert.match(err.message, /CrashLoopBackOff/);
    assert.match(err.message, /next: kubectl describe pod c-app-\S+ -n rr-crash && kubectl logs c-app-\S+ -n rr-crash --all-containers/);
  } finally {
    crash.remove();
  }
});

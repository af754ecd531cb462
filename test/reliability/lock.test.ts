import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext } from '../../src/actions/context.js';
import { installOrUpgrade } from '../../src/actions/install.js';
import { uninstall } from '../../src/actions/uninstall.js';
import { acquireReleaseLock, lockName } from '../../src/release/lock.js';
import { connectKube } from '../../src/kube/connect.js';
import type { KubeClient } from '../../src/kube/types.js';
import { fastWait, RecordingProgress, startPlatform, type Platform } from '../helpers/platform.js';
import { request } from './chart.js';

// One operation at a time per release: a Lease held and renewed by the running process.

let p: Platform;
let kube: KubeClient;
before(async () => {
  p = await startPlatform({ operators: [], crds: [] });
  kube = await connectKube({ kubeconfig: p.sim.kubeconfigPath });
});
after(() => p.stop());

const wait = { ...fastWait, timeoutMs: 20_000 };
/** A context standing in for another process: its own lock holder. */
const as = (holder: string, progress = new RecordingProgress(), durationSeconds?: number) => ({ ...makeContext(kube, progress), lock: { holder, durationSeconds } });
const lease = (ns: string, release: string) => p.sim.store.objects({ kind: 'Lease', namespace: ns }).find((o) => o.metadata.name === lockName(release));
const revisions = (ns: string, release: string) => p.sim.store.objects({ kind: 'Secret', namespace: ns }).filter((o) => o.metadata.labels?.['inferctl.io/record'] === 'revision' && o.metadata.labels?.name === release);

test('a second operation is refused naming what holds the lock, who and since when; nothing is applied or recorded', async () => {
  await installOrUpgrade(as('host-a/1'), request('rel', 'lock-a', ['className=lock-a'], wait), 'install');
  const held = await acquireReleaseLock(kube, 'rel', 'lock-a', { operation: 'upgrade', force: false, holder: 'build-7/4242' });
  const since = (lease('lock-a', 'rel')!.spec as { acquireTime: string }).acquireTime;
  await assert.rejects(installOrUpgrade(as('host-b/2'), request('rel', 'lock-a', ['className=lock-a', 'setting=two'], wait), 'upgrade'), (err: Error) => {
    assert.equal(err.message.split('\n').length, 1, 'one paragraph');
    assert.ok(err.message.startsWith(`another operation is in progress on release "rel" in namespace "lock-a": upgrade by build-7/4242 since ${since}.`), err.message);
    assert.match(err.message, /pass --force to take the lock now \(kubectl delete lease inferctl\.lock\.rel -n lock-a also clears it\)/);
    return true;
  });
  assert.equal(revisions('lock-a', 'rel').length, 1, 'no revision recorded');
  await held.release();
  assert.equal(lease('lock-a', 'rel'), undefined, 'the holder removes its lease when done');
});

test('two installs at once: exactly one runs, the other is refused; the record matches the cluster', async () => {
  const results = await Promise.allSettled([
    installOrUpgrade(as('host-a/1'), request('twin', 'lock-b', ['className=twin-a', 'setting=a'], wait, { createNamespace: true }), 'upgrade-install'),
    installOrUpgrade(as('host-b/2'), request('twin', 'lock-b', ['className=twin-b', 'setting=b'], wait, { createNamespace: true }), 'upgrade-install'),
  ]);
  const ok = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(ok.length, 1, results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')).join(' | '));
  assert.match((refused[0].reason as Error).message, /another operation is in progress on release "twin"|changed while this command prepared it/);
  const winner = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof installOrUpgrade>>>).value;
  const setting = (p.sim.store.objects({ kind: 'ConfigMap', namespace: 'lock-b' }).find((o) => o.metadata.name === 'twin-settings')!.data as Record<string, string>).setting;
  assert.equal(setting, (winner.record.userValues as { setting: string }).setting, 'the cluster holds what the record says');
  assert.equal(revisions('lock-b', 'twin').length, 1);
  assert.equal(p.sim.store.objects({ kind: 'ClusterRole' }).filter((o) => /^twin-/.test(o.metadata.name)).length, 1, 'the refused run applied nothing');
});

test('a lock its holder stopped renewing is taken over, and the run says so', async () => {
  await installOrUpgrade(as('host-a/1'), request('stale', 'lock-c', ['className=lock-c'], wait), 'install');
  const past = new Date(Date.now() - 120_000);
  const gone = await acquireReleaseLock(kube, 'stale', 'lock-c', { operation: 'upgrade', force: false, holder: 'crashed/99', now: () => past });
  void gone; // the process "died": it never renews or releases
  const progress = new RecordingProgress();
  const r = await installOrUpgrade(as('host-b/2', progress), request('stale', 'lock-c', ['className=lock-c', 'setting=two'], wait), 'upgrade');
  assert.equal(r.record.status, 'deployed');
  assert.ok(progress.events.some((e) => e.type === 'info' && /took over the lock of upgrade by crashed\/99 since .*which stopped renewing it \(that process is gone\)/.test(e.message)));
});

test('--force takes a live lock; the process that lost it stops at its next renewal and says why', async () => {
  await installOrUpgrade(as('host-a/1'), request('forced', 'lock-d', ['className=lock-d'], wait), 'install');
  // An upgrade that will wait (a Job that never finishes) while holding a lock renewed every second.
  const holdRule = p.sim.script({ kind: 'Job', namespace: 'lock-d', name: 'forced-migrate', hold: true });
  const slow = installOrUpgrade(as('host-a/1', new RecordingProgress(), 3), request('forced', 'lock-d', ['className=lock-d', 'jobImage=busybox:2'], { ...wait, timeoutMs: 30_000 }), 'upgrade');
  await p.sim.waitFor(() => lease('lock-d', 'forced') && (lease('lock-d', 'forced')!.spec as { holderIdentity: string }).holderIdentity === 'host-a/1', { what: 'the first upgrade holds the lock' });
  const progress = new RecordingProgress();
  const started = Date.now();
  const rescue = installOrUpgrade(as('host-b/2', progress), request('forced', 'lock-d', ['className=lock-d', 'setting=rescued'], wait, { forceLock: true }), 'upgrade');
  await assert.rejects(slow, (err: Error) => {
    assert.match(err.message, /the lock of release "forced" was taken by host-b\/2 \(--force\); this operation stopped/);
    return true;
  });
  assert.ok(Date.now() - started < 5000, 'stopped within a renewal period');
  holdRule.remove();
  const r = await rescue;
  assert.equal(r.record.status, 'deployed');
  assert.ok(progress.events.some((e) => e.type === 'info' && /took over the lock of upgrade by host-a\/1 since .*\(--force\)/.test(e.message)));
  const history = revisions('lock-d', 'forced').map((s) => `${s.metadata.labels?.version}:${s.metadata.labels?.status}`).sort();
  assert.ok(history.includes('2:failed'), history.join(','));
  const stopped = revisions('lock-d', 'forced').find((s) => s.metadata.labels?.version === '2')!;
  assert.match(stopped.metadata.annotations?.['inferctl.io/description'] ?? '', /stopped: the lock of release "forced" was taken by host-b\/2/);
});

test('uninstall takes the lock too', async () => {
  await installOrUpgrade(as('host-a/1'), request('un', 'lock-e', ['className=lock-e'], wait), 'install');
  const held = await acquireReleaseLock(kube, 'un', 'lock-e', { operation: 'upgrade', force: false, holder: 'ci/7' });
  await assert.rejects(uninstall(as('host-b/2'), { name: 'un', namespace: 'lock-e', purge: true, wait }), /another operation is in progress on release "un" in namespace "lock-e": upgrade by ci\/7/);
  assert.ok(p.sim.store.objects({ kind: 'ConfigMap', namespace: 'lock-e' }).some((o) => o.metadata.name === 'un-settings'), 'nothing deleted');
  await held.release();
});

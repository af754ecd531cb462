import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext } from '../../src/actions/context.js';
import { installOrUpgrade } from '../../src/actions/install.js';
import { rollback } from '../../src/actions/rollback.js';
import { list, status } from '../../src/actions/status.js';
import { uninstall } from '../../src/actions/uninstall.js';
import { history } from '../../src/actions/history.js';
import { silentProgress } from '../../src/apply/progress.js';
import type { K8sObject } from '../../src/core/object.js';
import { connectKube } from '../../src/kube/connect.js';
import type { KubeClient } from '../../src/kube/types.js';
import { fastWait, RecordingProgress, startPlatform, type Platform } from '../helpers/platform.js';
import { request } from './chart.js';

// Records that cannot tear: revision-named parts with checksums, the pointer written last, damaged
// revisions skipped and reported; history kept to --history-max; what a dead operation left resolved.

let p: Platform;
let kube: KubeClient;
before(async () => {
  p = await startPlatform({ operators: [], crds: [] });
  kube = await connectKube({ kubeconfig: p.sim.kubeconfigPath });
});
after(() => p.stop());

const wait = { ...fastWait, timeoutMs: 20_000 };
const secrets = (ns: string) => p.sim.store.objects({ kind: 'Secret', namespace: ns });
const recordSecrets = (ns: string, release: string) => secrets(ns).filter((o) => o.metadata.labels?.owner === 'inferctl' && o.metadata.labels?.name === release).map((o) => o.metadata.name).sort();
// Over 700 KiB of record even gzipped: two parts, like the operators layer's record.
const BIG = ['blob=900000'];

/** A client whose process dies (the call never returns normally) when it writes a matching Secret. */
function dyingAt(pattern: RegExp): KubeClient {
  return new Proxy(kube, {
    get(target, prop, receiver) {
      if (prop === 'apply') {
        return async (obj: K8sObject, opts: unknown) => {
          if (obj.kind === 'Secret' && pattern.test(obj.metadata.name)) throw new Error(`killed while writing ${obj.metadata.name}`);
          return (target.apply as (o: K8sObject, x: unknown) => Promise<K8sObject>).call(target, obj, opts);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

test('a kill between the parts of a two-part record leaves the release readable: status, list -A, history, upgrade, rollback and uninstall work', async () => {
  const ns = 'rec-torn';
  await installOrUpgrade(p.ctx(), request('big', ns, [...BIG, 'className=rec-torn'], wait), 'install');
  assert.deepEqual(recordSecrets(ns, 'big'), ['inferctl.release.big', 'inferctl.release.big.v1', 'inferctl.release.big.v1.part-0', 'inferctl.release.big.v1.part-1']);

  await assert.rejects(installOrUpgrade(makeContext(dyingAt(/\.v2\.part-1$/), silentProgress), request('big', ns, [...BIG, 'className=rec-torn', 'setting=two'], wait), 'upgrade'), /killed while writing inferctl\.release\.big\.v2\.part-1/);
  assert.ok(recordSecrets(ns, 'big').includes('inferctl.release.big.v2.part-0'), 'the kill left half a revision');

  // The next process: everything reads revision 1, the half-written revision 2 is not a revision.
  const ctx = p.ctx();
  const report = await status(ctx, 'big', ns);
  assert.equal(report.revision, 1);
  assert.equal(report.status, 'deployed');
  assert.deepEqual((await list(ctx)).filter((r) => r.namespace === ns).map((r) => [r.name, r.revision, r.status]), [['big', 1, 'deployed']]);
  assert.deepEqual((await history(ctx, 'big', ns)).map((r) => r.revision), [1]);
  assert.deepEqual(ctx.store.damaged, []);
  // Another release in the same namespace installs.
  await installOrUpgrade(p.ctx(), request('neighbour', ns, ['className=rec-torn-n'], wait), 'install');

  const up = await installOrUpgrade(p.ctx(), request('big', ns, [...BIG, 'className=rec-torn', 'setting=two'], wait), 'upgrade');
  assert.equal(up.record.revision, 2);
  assert.equal((await status(p.ctx(), 'big', ns)).revision, 2);
  const back = await rollback(p.ctx(), { name: 'big', namespace: ns, revision: 1, force: false, wait });
  assert.equal(back.record.revision, 3);
  const gone = await uninstall(p.ctx(), { name: 'big', namespace: ns, purge: true, wait });
  assert.equal(gone.recordKept, false);
  assert.deepEqual(recordSecrets(ns, 'big'), []);
});

test('a damaged revision is skipped and reported, never fatal; rolling back to it says why it cannot', async () => {
  const ns = 'rec-damaged';
  await installOrUpgrade(p.ctx(), request('dmg', ns, [...BIG, 'className=rec-dmg'], wait), 'install');
  await installOrUpgrade(p.ctx(), request('dmg', ns, [...BIG, 'className=rec-dmg', 'setting=two'], wait), 'upgrade');
  // Revision 1 loses a part; its other part is altered.
  p.sim.client('vandal').delete('v1', 'Secret', ns, 'inferctl.release.dmg.v1.part-1');
  const ctx = p.ctx();
  assert.deepEqual((await history(ctx, 'dmg', ns)).map((r) => r.revision), [2]);
  assert.deepEqual(ctx.store.damaged, [{ name: 'dmg', namespace: ns, revision: 1, reason: 'part 2 of 2 (inferctl.release.dmg.v1.part-1) is missing' }]);
  assert.equal((await status(ctx, 'dmg', ns)).revision, 2);
  await assert.rejects(rollback(p.ctx(), { name: 'dmg', namespace: ns, revision: 1, force: false, wait }), (err: Error) => {
    assert.match(err.message, /revision 1 of release "dmg" cannot be read \(part 2 of 2 \(inferctl\.release\.dmg\.v1\.part-1\) is missing\), so it cannot be rolled back to; readable revisions: 2/);
    return true;
  });

  // The current revision itself torn (a checksum that no longer matches): the newest readable one stands in.
  await installOrUpgrade(p.ctx(), request('dmg', ns, [...BIG, 'className=rec-dmg', 'setting=three'], wait), 'upgrade');
  const part = secrets(ns).find((o) => o.metadata.name === 'inferctl.release.dmg.v3.part-0')!;
  const data = part.data as Record<string, string>;
  p.sim.client('vandal').apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: part.metadata.name, namespace: ns }, data: { part: Buffer.from('torn').toString('base64') } });
  assert.ok(data.part);
  const after3 = p.ctx();
  const report = await status(after3, 'dmg', ns);
  assert.equal(report.revision, 2, 'revision 2 stands in');
  assert.equal(after3.store.damaged.find((d) => d.revision === 3)?.reason, 'its checksum does not match (a write was cut short)');
  // A way out without hand-deleting Secrets: upgrade writes revision 4 and points at it.
  const up = await installOrUpgrade(p.ctx(), request('dmg', ns, [...BIG, 'className=rec-dmg', 'setting=four'], wait), 'upgrade');
  assert.equal(up.record.revision, 4);
  assert.equal((await status(p.ctx(), 'dmg', ns)).revision, 4);
  const gone = await uninstall(p.ctx(), { name: 'dmg', namespace: ns, purge: true, wait });
  assert.equal(gone.recordKept, false);
});

test('--history-max keeps the newest revisions with their parts, never the current one', async () => {
  const ns = 'rec-history';
  for (let i = 1; i <= 5; i++) {
    await installOrUpgrade(p.ctx(), request('h', ns, [...BIG, 'className=rec-h', `setting=v${i}`], wait, { historyMax: 2 }), i === 1 ? 'install' : 'upgrade');
  }
  assert.deepEqual(recordSecrets(ns, 'h'), ['inferctl.release.h', 'inferctl.release.h.v4', 'inferctl.release.h.v4.part-0', 'inferctl.release.h.v4.part-1', 'inferctl.release.h.v5', 'inferctl.release.h.v5.part-0', 'inferctl.release.h.v5.part-1']);
  assert.deepEqual((await history(p.ctx(), 'h', ns)).map((r) => [r.revision, r.status]), [[4, 'superseded'], [5, 'deployed']]);
});

test('what a dead operation left is resolved by the next one: pending becomes failed, a second deployed becomes superseded', async () => {
  const ns = 'rec-stale';
  await installOrUpgrade(p.ctx(), request('st', ns, ['className=rec-st'], wait), 'install');
  await installOrUpgrade(p.ctx(), request('st', ns, ['className=rec-st', 'setting=two'], wait), 'upgrade');
  const ctx = p.ctx();
  const [r1, r2] = await ctx.store.history('st', ns);
  // A process died after marking revision 1 deployed again, and another while revision 2 was pending.
  await ctx.store.setStatus(r1, 'deployed');
  await ctx.store.setStatus(r2, 'pending-upgrade');
  const progress = new RecordingProgress();
  const r = await installOrUpgrade(p.ctx(progress), request('st', ns, ['className=rec-st', 'setting=three'], wait), 'upgrade');
  assert.equal(r.record.revision, 3);
  assert.ok(progress.events.some((e) => e.type === 'info' && e.message === 'revision 2 was left pending-upgrade by an operation that did not finish; marked failed'));
  const rows = (await history(p.ctx(), 'st', ns)).map((h) => [h.revision, h.status]);
  assert.deepEqual(rows, [[1, 'superseded'], [2, 'failed'], [3, 'deployed']]);
  assert.match((await p.ctx().store.history('st', ns))[1].description, /interrupted \(still pending-upgrade when the next operation started\)/);
});

test('uninstall that keeps data keeps a record of it: list shows it, and the printed --purge command works as printed', async () => {
  const ns = 'rec-keep';
  await installOrUpgrade(p.ctx(), request('kp', ns, ['className=rec-kp', 'keepData=true'], wait), 'install');
  const first = await uninstall(p.ctx(), { name: 'kp', namespace: ns, purge: false, wait });
  assert.equal(first.recordKept, true);
  assert.deepEqual(first.kept, [`ConfigMap ${ns}/kp-data`]);
  const row = (await list(p.ctx())).find((r) => r.name === 'kp' && r.namespace === ns);
  assert.equal(row?.status, 'uninstalled');
  const described = (await p.ctx().store.current('kp', ns))!.description;
  const hint = /(inferctl uninstall \S+ -n \S+ --purge)/.exec(described)?.[1];
  assert.equal(hint, `inferctl uninstall kp -n ${ns} --purge`);
  // Run what was printed: its release, its namespace, --purge.
  const [, , name, , namespace, purge] = hint!.split(' ');
  const second = await uninstall(p.ctx(), { name, namespace, purge: purge === '--purge', wait });
  assert.ok(second.deleted.includes(`ConfigMap ${ns}/kp-data`));
  assert.equal(second.recordKept, false);
  assert.equal((await list(p.ctx())).some((r) => r.name === 'kp' && r.namespace === ns), false);
});

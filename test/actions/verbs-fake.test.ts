import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext } from '../../src/actions/context.js';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { rollback } from '../../src/actions/rollback.js';
import { status } from '../../src/actions/status.js';
import type { ProgressEvent } from '../../src/apply/progress.js';
import { ApplyFailure } from '../../src/apply/engine.js';
import { isUserError } from '../../src/core/errors.js';
import type { K8sObject } from '../../src/core/object.js';
import type { FakeKube } from '../../src/kube/fake.js';
import { KubeApiError } from '../../src/kube/types.js';
import { encodeRecord, parentSecretName, revisionSecretName, type ReleaseRecord } from '../../src/release/record.js';
import { renderComponents, type Component } from '../../src/render/component.js';
import { defineGroup } from '../../src/render/groups.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import type { ChartDefinition } from '../../src/render/types.js';
import { s, type Infer } from '../../src/schema/dsl.js';
import { configMap, fakeCluster, fakeWait, job, setReady, widget } from '../helpers/fake-cluster.js';

// install, upgrade, rollback and status on the in-memory cluster with a small chart of three groups:
// settings, a migration Job after them, and an app after the migration.

const values = s.object({
  image: s.string({ default: 'tool:1' }),
  extra: s.bool({ default: true }),
  data: s.bool({ default: true }),
});
type Values = Infer<typeof values>;
interface Config {
  values: Values;
}

const settings = defineGroup<Config>({ name: 'settings', description: 'ConfigMaps' });
const migration = defineGroup<Config>({ name: 'migration', description: 'the migration Job', after: [settings] });
const app = defineGroup<Config>({ name: 'app', description: 'the app', after: [migration] });
const src = 'test-chart';

const components: Component<Config>[] = [
  {
    groups: [settings],
    render: ({ values: v }) => [
      { object: configMap('settings', { image: v.image }), group: settings, source: src },
      ...(v.extra ? [{ object: configMap('extra'), group: settings, source: src }] : []),
      ...(v.data ? [{ object: configMap('data'), group: settings, source: src, keepOnUninstall: true }] : []),
    ],
  },
  { groups: [migration], render: ({ values: v }) => [{ object: job('migrate', v.image), group: migration, source: src, replaceOnChange: true }] },
  { groups: [app], render: () => [{ object: widget('app'), group: app, source: src }] },
];

const chart: ChartDefinition<Values> = {
  info: { name: 'test-chart', version: '1.0.0', appVersion: '1', description: 'a chart for tests' },
  values,
  render(ctx) {
    const { objects, groups } = renderComponents(components, { values: ctx.values });
    return { objects, groups, provided: [], exports: { namespace: ctx.namespace } };
  },
};

function request(set: string[] = [], extra: Partial<InstallRequest> = {}): InstallRequest {
  return {
    name: 'rel',
    namespace: 'ns',
    chart,
    valueOptions: { ...emptyValueOptions(), values: set },
    createNamespace: false,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait: fakeWait,
    ...extra,
  };
}

function context(kube: FakeKube) {
  const events: ProgressEvent[] = [];
  return { ctx: makeContext(kube, { emit: (e) => events.push(e), close() {} }, () => new Date('2026-12-01T00:00:00Z')), events };
}

const immutable = () => new KubeApiError('spec.template: field is immutable', 422, 'Invalid');
const names = (kube: FakeKube, kind: string) => kube.all(kind).map((o) => o.metadata.name).sort();

test('install records the revision, applies group by group and waits; a second install is refused', async () => {
  const kube = fakeCluster();
  const { ctx, events } = context(kube);
  const result = await installOrUpgrade(ctx, request(), 'install');
  assert.equal(result.record.status, 'deployed');
  assert.equal(result.record.revision, 1);
  assert.deepEqual(result.record.groups.map((g) => [g.name, g.dependsOn]), [['settings', []], ['migration', ['settings']], ['app', ['migration']]]);
  assert.deepEqual(events.filter((e) => e.type === 'group-done').map((e) => (e as { group: string }).group), ['settings', 'migration', 'app']);
  assert.deepEqual(names(kube, 'ConfigMap'), ['data', 'extra', 'settings']);
  await assert.rejects(installOrUpgrade(ctx, request(), 'install'), /release "rel" already exists in namespace "ns" \(revision 1, test-chart, deployed\)\. Use "inferctl upgrade rel CHART -n ns" to change it\./);
});

test('upgrade prunes what left the render in reverse order, keeps what holds data, replaces a changed Job and supersedes the old revision', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await installOrUpgrade(ctx, request(), 'install');
  const from = kube.calls.length;
  const result = await installOrUpgrade(ctx, request(['image=tool:2', 'extra=false', 'data=false']), 'upgrade');
  assert.equal(result.record.revision, 2);
  assert.deepEqual(result.pruned, ['ConfigMap ns/extra']);
  assert.deepEqual(result.kept, ['ConfigMap ns/data']);
  assert.deepEqual(names(kube, 'ConfigMap'), ['data', 'settings']);
  const jobCalls = kube.calls.slice(from).filter((c) => c.ref === 'batch/Job/ns/migrate' && (c.verb === 'apply' || c.verb === 'delete')).map((c) => c.verb);
  assert.deepEqual(jobCalls, ['delete', 'apply'], 'the Job template changed (image): deleted and created again');
  assert.equal((kube.all('Job')[0] as any).spec.template.spec.containers[0].image, 'tool:2');
  const history = await ctx.store.history('rel', 'ns');
  assert.deepEqual(history.map((r) => [r.revision, r.status]), [[1, 'superseded'], [2, 'deployed']]);

  // The same values again: the Job is not replaced.
  const again = kube.calls.length;
  await installOrUpgrade(ctx, request(['image=tool:2', 'extra=false', 'data=false']), 'upgrade');
  assert.ok(!kube.calls.slice(again).some((c) => c.verb === 'delete' && !c.ref.includes('/Lease/')), 'nothing deleted when nothing changed (but the release lock, released)');
});

test('upgrade --install installs a missing release, then upgrades it; plain upgrade of a missing release says what to run', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await assert.rejects(installOrUpgrade(ctx, request(), 'upgrade'), (err: Error) => isUserError(err) && /release "rel" is not installed in namespace "ns"\. Use "inferctl install", or "inferctl upgrade --install"\./.test(err.message));
  const first = await installOrUpgrade(ctx, request(), 'upgrade-install');
  assert.deepEqual([first.record.revision, first.record.description, first.record.status], [1, 'Install', 'deployed']);
  const second = await installOrUpgrade(ctx, request(['extra=false']), 'upgrade-install');
  assert.deepEqual([second.record.revision, second.record.description, second.record.status], [2, 'Upgrade', 'deployed']);
  assert.deepEqual(second.pruned, ['ConfigMap ns/extra']);
});

test('a failed upgrade records a failed revision naming the groups that were ready; --rollback-on-failure restores the last good one', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await installOrUpgrade(ctx, request(), 'install');
  const bad = kube.fail('apply', { kind: 'Job' }, immutable);
  await assert.rejects(installOrUpgrade(ctx, request(['image=tool:broken']), 'upgrade'), ApplyFailure);
  const failed = await ctx.store.current('rel', 'ns');
  assert.equal(failed?.status, 'failed');
  assert.match(failed!.description, /^Upgrade failed: Job ns\/migrate was rejected by the API server \(422 Invalid\): spec\.template: field is immutable \(ready groups: settings\)$/);

  await assert.rejects(installOrUpgrade(ctx, request(['image=tool:broken']), 'upgrade'), ApplyFailure);
  bad.remove();
  const restoredBy = await ctx.store.history('rel', 'ns');
  assert.deepEqual(restoredBy.map((r) => r.status), ['deployed', 'failed', 'failed'], 'a failed revision never supersedes the last good one');
  kube.fail('apply', { kind: 'Job' }, immutable, 1);
  await assert.rejects(installOrUpgrade(ctx, request(['image=tool:3'], { rollbackOnFailure: true }), 'upgrade'), ApplyFailure);
  const current = await ctx.store.current('rel', 'ns');
  assert.deepEqual([current?.status, current?.description], ['deployed', 'Rollback to 1']);
  assert.equal((kube.all('Job')[0] as any).spec.template.spec.containers[0].image, 'tool:1');
});

test('rollback of a damaged record (an object whose group the record lost) changes nothing', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await installOrUpgrade(ctx, request(), 'install');
  await installOrUpgrade(ctx, request(['extra=false']), 'upgrade');
  const v1 = (await ctx.store.revision('rel', 'ns', 1))!;
  await ctx.store.save({ ...v1, inventory: v1.inventory.filter((e) => e.name !== 'extra'), status: 'superseded' } as ReleaseRecord);
  await ctx.store.save((await ctx.store.revision('rel', 'ns', 2))!);
  const writes = kube.calls.length;
  await assert.rejects(rollback(ctx, { name: 'rel', namespace: 'ns', revision: 1, force: false, wait: fakeWait }), /ConfigMap ns\/extra is in group "\(not in the inventory\)", which the plan does not declare.*nothing was applied/);
  assert.ok(!kube.calls.slice(writes).some((c) => c.verb === 'apply' && !c.ref.startsWith('/Secret/')), 'no object of the release was applied');
});

test('status: ready only when the revision is deployed and every object is ready now (the CLI exits 3 otherwise)', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await installOrUpgrade(ctx, request(), 'install');
  assert.equal((await status(ctx, 'rel', 'ns')).ready, true);
  setReady(kube, widget('app'), 'False', 'Degraded');
  const degraded = await status(ctx, 'rel', 'ns');
  assert.equal(degraded.ready, false);
  assert.deepEqual(degraded.objects.filter((o) => o.readiness.state !== 'ready').map((o) => o.object), ['Widget ns/app']);
  setReady(kube, widget('app'), 'True');
  await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'settings' });
  const missing = await status(ctx, 'rel', 'ns');
  assert.equal(missing.ready, false);
  assert.equal(missing.objects.find((o) => o.object === 'ConfigMap ns/settings')?.readiness.state, 'failed');
  await assert.rejects(status(ctx, 'nope', 'ns'), /release "nope" not found in namespace "ns"/);
});

test('other releases read exports from the current Secret without decoding the record; records from before that still read', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  // A record too big for one Secret is split into parts, like the operators layer's CRDs.
  const big: K8sObject = configMap('big', { blob: randomBytes(1_000_000).toString('base64') });
  const record: ReleaseRecord = {
    name: 'ops', namespace: 'ns', revision: 1, status: 'deployed', chart: { name: 'inference-operators', version: '0.1.0', appVersion: '1' },
    userValues: {}, manifest: [big], inventory: [], groups: [], exports: { contract: 'inference-operators/v1', kserveNamespace: 'kserve' },
    description: 'Install', firstDeployed: 'x', lastDeployed: 'x',
  };
  await ctx.store.save(record);
  assert.ok(kube.all('Secret').some((s) => s.metadata.name === `${revisionSecretName('ops', 1)}.part-0`), 'the record is split into parts, named after its revision');
  assert.ok(!kube.all('Secret').some((s) => s.metadata.name === `${parentSecretName('ops')}.part-0`), 'the current Secret is a pointer: no parts of its own');
  const from = kube.calls.length;
  const published = await ctx.store.exports('ns');
  assert.deepEqual(published, [{ release: 'ops', namespace: 'ns', chart: 'inference-operators', status: 'deployed', exports: { contract: 'inference-operators/v1', kserveNamespace: 'kserve' } }]);
  assert.ok(!kube.calls.slice(from).some((c) => c.verb === 'get' && c.ref.includes('.part-')), 'no part of the record was fetched');

  // A current Secret written by an inferctl without the exports key: decoded from the record.
  const legacy = { ...record, name: 'old', manifest: [], exports: { namespace: 'ns' }, chart: { ...record.chart, name: 'inference-infrastructure' } };
  await kube.applyAs('old-inferctl', {
    apiVersion: 'v1', kind: 'Secret', type: 'inferctl.io/release.v1',
    metadata: { name: parentSecretName('old'), namespace: 'ns', labels: { owner: 'inferctl', name: 'old', status: 'deployed', version: '1', 'inferctl.io/record': 'current' } },
    data: { release: Buffer.from(encodeRecord(legacy)).toString('base64') },
  });
  const both = await ctx.store.exports('ns');
  assert.deepEqual(both.find((r) => r.release === 'old'), { release: 'old', namespace: 'ns', chart: 'inference-infrastructure', status: 'deployed', exports: { namespace: 'ns' } });
});

test("upgrade values follow Helm's reuseValues: reused when none are given, --reset-values, --reuse-values, --reset-then-reuse-values", async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await installOrUpgrade(ctx, request(['image=tool:7', 'extra=false']), 'install');
  const imageOf = () => (kube.all('Job')[0] as any).spec.template.spec.containers[0].image;

  // No -f/--set: the last release's values are used again (Helm's default), not the chart defaults.
  const plain = await installOrUpgrade(ctx, request(), 'upgrade');
  assert.deepEqual(plain.record.userValues, { image: 'tool:7', extra: false });
  assert.equal(imageOf(), 'tool:7');
  assert.deepEqual(names(kube, 'ConfigMap'), ['data', 'settings']);

  // Some values given: only those, on the chart defaults.
  const given = await installOrUpgrade(ctx, request(['image=tool:8']), 'upgrade');
  assert.deepEqual(given.record.userValues, { image: 'tool:8' });
  assert.deepEqual(names(kube, 'ConfigMap'), ['data', 'extra', 'settings'], 'extra is back to its default (true)');

  // --reuse-values: the new values over the last ones.
  const reused = await installOrUpgrade(ctx, request(['extra=false'], { values: 'reuse' }), 'upgrade');
  assert.deepEqual(reused.record.userValues, { image: 'tool:8', extra: false });
  assert.equal(imageOf(), 'tool:8');
  assert.deepEqual(reused.record.values, { image: 'tool:8', extra: false, data: true }, 'the values the render used are recorded');

  // --reset-then-reuse-values: chart defaults, the last values, then the new ones.
  const rtr = await installOrUpgrade(ctx, request(['data=false'], { values: 'reset-then-reuse' }), 'upgrade');
  assert.deepEqual(rtr.record.userValues, { image: 'tool:8', extra: false, data: false });

  // --reset-values with nothing given: back to the chart's defaults.
  const reset = await installOrUpgrade(ctx, request([], { values: 'reset' }), 'upgrade');
  assert.deepEqual(reset.record.userValues, {});
  assert.equal(imageOf(), 'tool:1');
});

test('--reuse-values renders on the last release\'s computed values, not on the chart\'s current defaults', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await installOrUpgrade(ctx, request(['extra=false']), 'install');
  // Pretend revision 1 was computed by an older chart whose default image was tool:0.
  const v1 = (await ctx.store.current('rel', 'ns'))!;
  await ctx.store.save({ ...v1, values: { ...v1.values, image: 'tool:0' } });
  const reused = await installOrUpgrade(ctx, request(['data=false'], { values: 'reuse' }), 'upgrade');
  assert.equal((reused.record.values as Record<string, unknown>).image, 'tool:0');
  const rtr = await installOrUpgrade(ctx, request([], { values: 'reset-then-reuse' }), 'upgrade');
  assert.equal((rtr.record.values as Record<string, unknown>).image, 'tool:1', 'reset-then-reuse starts from the chart defaults');
});

test('history, get values (user-supplied or all) and get manifest read the records; Secret values never print', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  await installOrUpgrade(ctx, request(['image=tool:2']), 'install');
  await installOrUpgrade(ctx, request(['extra=false']), 'upgrade');
  const { history } = await import('../../src/actions/history.js');
  const { getManifest, getValues } = await import('../../src/actions/get.js');
  assert.deepEqual((await history(ctx, 'rel', 'ns')).map((h) => [h.revision, h.status, h.chart, h.description]), [[1, 'superseded', 'test-chart-1.0.0', 'Install'], [2, 'deployed', 'test-chart-1.0.0', 'Upgrade']]);
  assert.deepEqual((await history(ctx, 'rel', 'ns', 1)).map((h) => h.revision), [2]);
  assert.deepEqual(await getValues(ctx, 'rel', 'ns', { all: false }), { extra: false });
  assert.deepEqual(await getValues(ctx, 'rel', 'ns', { all: false, revision: 1 }), { image: 'tool:2' });
  assert.deepEqual(await getValues(ctx, 'rel', 'ns', { all: true }), { image: 'tool:1', extra: false, data: true });
  await assert.rejects(getValues(ctx, 'rel', 'ns', { all: false, revision: 9 }), /release "rel" in namespace "ns" has no revision 9; "inferctl history rel -n ns" lists them/);
  assert.deepEqual((await getManifest(ctx, 'rel', 'ns')).map((o) => `${o.kind}/${o.metadata.name}`), ['ConfigMap/data', 'ConfigMap/settings', 'Job/migrate', 'Widget/app']);

  const v2 = (await ctx.store.current('rel', 'ns'))!;
  const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { password: Buffer.from('hunter2').toString('base64') }, stringData: { token: 'abc' } };
  await ctx.store.save({ ...v2, manifest: [...v2.manifest, secret] });
  const shown = (await getManifest(ctx, 'rel', 'ns')).find((o) => o.kind === 'Secret')!;
  assert.deepEqual([shown.data, shown.stringData], [{ password: '(hidden)' }, { token: '(hidden)' }]);
  await assert.rejects(history(ctx, 'nope', 'ns'), /release "nope" not found in namespace "ns"/);
});

test('install -o json prints the release, its objects and what was pruned, and never values', async () => {
  const kube = fakeCluster();
  const { ctx } = context(kube);
  const { releaseSummary } = await import('../../src/actions/install.js');
  const result = await installOrUpgrade(ctx, request(['image=secret-registry.example.com/tool:1']), 'install');
  const summary = releaseSummary(result, false);
  assert.deepEqual([summary.name, summary.namespace, summary.revision, summary.status], ['rel', 'ns', 1, 'deployed']);
  assert.deepEqual(summary.objects.map((o) => `${o.kind}/${o.name}@${o.group}`), ['ConfigMap/data@settings', 'ConfigMap/extra@settings', 'ConfigMap/settings@settings', 'Job/migrate@migration', 'Widget/app@app']);
  assert.ok(!JSON.stringify(summary).includes('secret-registry'), 'user values are not part of the summary');
});

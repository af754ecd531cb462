import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { status, list } from '../../src/actions/status.js';
import { uninstall } from '../../src/actions/uninstall.js';
import { rollback } from '../../src/actions/rollback.js';
import { diff } from '../../src/actions/diff.js';
import { resolveChart } from '../../src/charts/index.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import { applySetId, parentSecretName } from '../../src/release/record.js';
import type { StoreEvent } from '../../src/sim/store.js';
import { fastWait, jobRun, RecordingProgress, secretValue, startPlatform, type Platform } from '../helpers/platform.js';

/**
 * The default infrastructure against the Kubernetes API simulator: real HTTP, real client
 * (@kubernetes/client-node), the simulator's scripted CNPG / Envoy Gateway / Knative controllers,
 * and the secret generator's Python program executed for real against the simulated API.
 */
let p: Platform;
const NS = 'llm';

function request(values: string[] = [], extra: Partial<InstallRequest> = {}): InstallRequest {
  return {
    name: 'infra',
    namespace: NS,
    chart: resolveChart('inference-infrastructure'),
    valueOptions: { ...emptyValueOptions(), values },
    createNamespace: true,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait: fastWait,
    ...extra,
  };
}

before(async () => {
  p = await startPlatform();
  p.sim.store.subscribe(record);
});
after(() => p?.stop());

const findObj = (kind: string, name: string, ns = NS) => p.sim.store.objects({ kind, namespace: ns }).find((o) => o.metadata.name === name);
const firstWrite = (resource: string, name: string) => p.sim.store.requests.find((r) => r.resource === resource && r.name === name && (r.method === 'PATCH' || r.method === 'POST') && r.status < 300)?.seq ?? Infinity;

/** The store's changes in resourceVersion order: exact where timestamps have one-second resolution. */
const changes: { rv: number; type: string; kind: string; name: string; trueConditions: string[] }[] = [];
const record = (e: StoreEvent) => {
  const conds = ((e.object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);
  changes.push({ rv: e.rv, type: e.type, kind: e.object.kind, name: e.object.metadata.name, trueConditions: conds });
};
const createdRv = (kind: string, name: string) => {
  const c = changes.find((x) => x.type === 'ADDED' && x.kind === kind && x.name === name);
  assert.ok(c, `${kind} ${name} was created`);
  return c.rv;
};
const becameTrueRv = (kind: string, name: string, condition: string) => {
  const c = changes.find((x) => x.kind === kind && x.name === name && x.trueConditions.includes(condition));
  assert.ok(c, `${kind} ${name} reached ${condition}=True`);
  return c.rv;
};

test('install applies the default infrastructure in dependency order and waits for real readiness', async () => {
  const progress = new RecordingProgress();
  const result = await installOrUpgrade(p.ctx(progress), request(), 'install');
  assert.equal(result.record.status, 'deployed');
  assert.equal(result.record.revision, 1);

  // Secrets were generated once by the real Python program, before anything used them.
  const gen = jobRun(p.sim, NS, 'infra-generate-secrets');
  assert.equal(gen?.exitCode, 0, gen?.log);
  assert.match(gen!.log, /inferctl-secrets: secret infra-valkey-auth created \(key default-password\)/);
  assert.match(secretValue(p.sim, NS, 'infra-litellm-proxy-master-key', 'master-key') ?? '', /^sk-[0-9a-f]{64}$/);
  assert.match(secretValue(p.sim, NS, 'infra-valkey-auth', 'default-password') ?? '', /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(progress.events).includes(secretValue(p.sim, NS, 'infra-valkey-auth', 'default-password')!), 'no secret value in progress output');

  // Order: the request log of the API server.
  assert.ok(firstWrite('jobs', 'infra-generate-secrets') < firstWrite('deployments', 'infra-valkey-primary'), 'secrets before Valkey');
  assert.ok(firstWrite('clusters', 'infra-postgresql') < firstWrite('poolers', 'infra-postgresql-pooler'), 'Cluster before Pooler');
  assert.ok(firstWrite('poolers', 'infra-postgresql-pooler') < firstWrite('jobs', 'infra-litellm-proxy-migration'), 'Pooler before migration');
  assert.ok(firstWrite('jobs', 'infra-litellm-proxy-migration') < firstWrite('deployments', 'infra-litellm-proxy'), 'migration before the proxy');
  assert.ok(firstWrite('deployments', 'infra-litellm-proxy') < firstWrite('httproutes', 'infra-litellm-proxy'), 'proxy before the route');

  // Waits: each dependent was created only after what it needs was ready.
  assert.ok(becameTrueRv('Cluster', 'infra-postgresql', 'Ready') < createdRv('Pooler', 'infra-postgresql-pooler'), 'Pooler created after the Cluster was Ready');
  assert.ok(becameTrueRv('Job', 'infra-litellm-proxy-migration', 'Complete') < createdRv('Deployment', 'infra-litellm-proxy'), 'proxy created after the migration completed');
  const ready = progress.events.filter((e) => e.type === 'group-done').map((e) => (e as { group: string }).group);
  for (const g of ['secrets', 'postgresql', 'pooler', 'valkey', 'gateway', 'knative', 'litellm-migration', 'litellm', 'routes']) assert.ok(ready.includes(g), `group ${g} ready`);
  assert.ok(ready.indexOf('litellm-migration') < ready.indexOf('litellm'));

  // Every applied object is a member of the release's ApplySet; the parent record carries the inventory.
  const id = applySetId(parentSecretName('infra'), NS);
  const deploy = findObj('Deployment', 'infra-litellm-proxy')!;
  assert.equal(deploy.metadata.labels?.['applyset.kubernetes.io/part-of'], id);
  const parent = findObj('Secret', parentSecretName('infra'))!;
  assert.equal(parent.metadata.labels?.['applyset.kubernetes.io/id'], id);
  assert.match(parent.metadata.annotations?.['applyset.kubernetes.io/contains-group-kinds'] ?? '', /Cluster\.postgresql\.cnpg\.io.*Deployment\.apps/);
  assert.equal(parent.metadata.annotations?.['applyset.kubernetes.io/additional-namespaces'], 'knative-serving');
});

test('status reports every object ready; list shows the release', async () => {
  const report = await status(p.ctx(), 'infra', NS, true);
  assert.equal(report.status, 'deployed');
  const notReady = report.objects.filter((o) => o.readiness.state !== 'ready');
  assert.deepEqual(notReady, []);
  assert.ok(report.objects.length > 20);
  assert.equal(report.history?.length, 1);
  const releases = await list(p.ctx());
  assert.deepEqual(releases.map((r) => [r.name, r.namespace, r.status]), [['infra', NS, 'deployed']]);
});

test('upgrade changes only what changed, keeps generated secrets, and diff predicted it', async () => {
  const passwordBefore = secretValue(p.sim, NS, 'infra-valkey-auth', 'default-password');
  const masterBefore = secretValue(p.sim, NS, 'infra-litellm-proxy-master-key', 'master-key');
  const versions = new Map(p.sim.store.objects({ namespace: NS }).map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));

  const changes = await diff(p.ctx(), { ...request(['valkey.replica.replicaCount=3']) });
  const changed = changes.filter((c) => c.change !== 'unchanged').map((c) => c.object);
  assert.deepEqual(changed, [`Deployment ${NS}/infra-valkey-replica`]);
  assert.match(changes.find((c) => c.change === 'update')!.diff, /-  replicas: 2\n\+  replicas: 3/);

  const progress = new RecordingProgress();
  const result = await installOrUpgrade(p.ctx(progress), request(['valkey.replica.replicaCount=3']), 'upgrade');
  assert.equal(result.record.revision, 2);
  const configured = progress.events.filter((e) => e.type === 'applied' && (e as any).action !== 'unchanged').map((e) => (e as any).object);
  assert.deepEqual(configured, [`Deployment ${NS}/infra-valkey-replica`], 'only the changed object was written');
  assert.equal((findObj('Deployment', 'infra-valkey-replica')!.spec as any).replicas, 3);
  const clusterApply = progress.events.find((e) => e.type === 'applied' && (e as any).object === `Cluster ${NS}/infra-postgresql`);
  assert.equal((clusterApply as any)?.action, 'unchanged', 'the PostgreSQL cluster was applied and left as it was');
  for (const name of ['infra-litellm-proxy', 'infra-valkey-primary']) {
    assert.equal(findObj('Deployment', name)!.metadata.resourceVersion, versions.get(`Deployment/${name}`), `${name} untouched`);
  }
  assert.equal(secretValue(p.sim, NS, 'infra-valkey-auth', 'default-password'), passwordBefore);
  assert.equal(secretValue(p.sim, NS, 'infra-litellm-proxy-master-key', 'master-key'), masterBefore);
  const history = await p.ctx().store.history('infra', NS);
  assert.deepEqual(history.map((r) => [r.revision, r.status]), [[1, 'superseded'], [2, 'deployed']]);
});

test('a component removed by upgrade is pruned; shared namespaces are kept and reported', async () => {
  const result = await installOrUpgrade(p.ctx(), request(['valkey.replica.replicaCount=3', 'networking-layer.kourier.enabled=false']), 'upgrade');
  assert.deepEqual(result.pruned, ['KnativeServing knative-serving/knative-serving']);
  assert.deepEqual(result.kept, ['Namespace knative-serving']);
  await p.sim.waitFor(() => !p.sim.store.objects({ kind: 'KnativeServing' }).length, { what: 'KnativeServing gone' });
  assert.ok(p.sim.store.objects({ kind: 'Namespace' }).some((n) => n.metadata.name === 'knative-serving'));
});

test('rollback re-applies a recorded revision as a new revision', async () => {
  const result = await rollback(p.ctx(), { name: 'infra', namespace: NS, revision: 1, force: false, wait: fastWait });
  assert.equal(result.record.revision, 4);
  assert.equal(result.record.description, 'Rollback to 1');
  assert.equal((findObj('Deployment', 'infra-valkey-replica')!.spec as any).replicas, 2);
  await p.sim.waitFor(() => p.sim.store.objects({ kind: 'KnativeServing' }).length === 1, { what: 'KnativeServing back' });
});

test('uninstall keeps the database, its volumes and generated secrets; a new install finds the same secrets', async () => {
  const password = secretValue(p.sim, NS, 'infra-valkey-auth', 'default-password');
  const result = await uninstall(p.ctx(), { name: 'infra', namespace: NS, purge: false, wait: fastWait });
  assert.ok(result.kept.includes(`Cluster ${NS}/infra-postgresql`));
  assert.ok(result.kept.some((k) => k.startsWith(`Secret ${NS}/infra-valkey-auth`)));
  assert.ok(result.kept.some((k) => k.startsWith(`PersistentVolumeClaim ${NS}/infra-postgresql-`)), result.kept.join(', '));
  assert.equal(findObj('Deployment', 'infra-litellm-proxy'), undefined);
  // What was kept is still the release's: one record says so, list shows it, --purge can finish.
  assert.equal(result.recordKept, true);
  const listed = (await list(p.ctx(), NS)).find((r) => r.name === 'infra');
  assert.equal(listed?.status, 'uninstalled');
  assert.deepEqual((await p.ctx().store.history('infra', NS)).map((r) => r.status), ['uninstalled'], 'older revisions are gone');
  assert.ok(findObj('Cluster', 'infra-postgresql'));

  await installOrUpgrade(p.ctx(), request(), 'install');
  assert.equal(secretValue(p.sim, NS, 'infra-valkey-auth', 'default-password'), password, 'same password after uninstall + install');

  const purged = await uninstall(p.ctx(), { name: 'infra', namespace: NS, purge: true, wait: fastWait });
  assert.ok(purged.purged.some((k) => k.startsWith(`Secret ${NS}/infra-valkey-auth`)));
  assert.equal(findObj('Cluster', 'infra-postgresql'), undefined);
  assert.equal(secretValue(p.sim, NS, 'infra-valkey-auth', 'default-password'), undefined);
  assert.equal(purged.recordKept, false);
  assert.equal(findObj('Secret', parentSecretName('infra')), undefined, 'nothing kept, so no record either');
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyFailure } from '../../src/apply/engine.js';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { resolveChart } from '../../src/charts/index.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import { fastWait, RecordingProgress, startPlatform, type Platform } from '../helpers/platform.js';

/**
 * Every failure ends with a precise message: the blocked object, the reason, the next command.
 * Failures come from the simulator's scripts, never from a deadline racing this machine's speed:
 * installs that must succeed or fail fast get a generous timeout, and the two cases that need a
 * timeout to fire render only the group that blocks (PostgreSQL), so nothing else can run out the clock.
 */
let p: Platform;
before(async () => {
  p = await startPlatform();
});
after(() => p?.stop());

function request(namespace: string, values: string[] = [], extra: Partial<InstallRequest> = {}): InstallRequest {
  return {
    name: 'infra',
    namespace,
    chart: resolveChart('inference-infrastructure'),
    // Only what the failure needs, so each case is quick.
    // Every case is its own release "infra" in its own namespace: the cluster-scoped GatewayClass needs its own name.
    valueOptions: { ...emptyValueOptions(), values: ['networking-layer.kourier.enabled=false', 'postgresql.cluster.instances=1', ...values], literalValues: [`networking-layer.envoyGateway.gatewayClassName=${namespace}-llm-gateway`] },
    createNamespace: true,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait: fastWait,
    ...extra,
  };
}

/** Only the CNPG Cluster and its pooler: no generated secrets, no cache, no gateway, no LiteLLM. */
const POSTGRES_ONLY = ['networking-layer.enabled=false', 'litellm-proxy.enabled=false', 'valkey.enabled=false'];

async function failure(promise: Promise<unknown>): Promise<ApplyFailure> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApplyFailure, `expected an ApplyFailure, got ${(err as Error).stack}`);
    return err;
  }
  assert.fail('expected the install to fail');
}

test('a webhook that is briefly down is retried; the install still converges', async () => {
  // Down until inferctl has been refused by it once, then back: an outage of one retry, whatever the machine's speed.
  const down = p.sim.webhookDown(/cnpg/);
  const progress = new RecordingProgress();
  const sink = {
    emit: (e: Parameters<RecordingProgress['emit']>[0]) => {
      progress.emit(e);
      if (e.type === 'waiting' && /apply retried: .*failed calling webhook/.test(e.message)) down.remove();
    },
    close() {},
  };
  const result = await installOrUpgrade(p.ctx(sink), request('webhook-blip'), 'install');
  assert.equal(result.record.status, 'deployed');
  assert.ok(progress.events.some((e) => e.type === 'waiting' && /apply retried: .*failed calling webhook/.test((e as { message: string }).message)), 'the webhook error was seen and retried');
});

test('failed migration Job: fails fast with the Job reason and the logs command, and records a failed revision', async () => {
  const rule = p.sim.script({ kind: 'Job', name: 'infra-litellm-proxy-migration', outcome: 'fail', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  try {
    const err = await failure(installOrUpgrade(p.ctx(), request('migration-fails'), 'install'));
    assert.match(err.message, /group litellm-migration failed/);
    assert.match(err.message, /Job migration-fails\/infra-litellm-proxy-migration/);
    assert.match(err.message, /BackoffLimitExceeded/);
    assert.match(err.message, /next: kubectl (logs job\/infra-litellm-proxy-migration -n migration-fails|describe pod infra-litellm-proxy-migration-\S+ -n migration-fails)/);
    const record = await p.ctx().store.current('infra', 'migration-fails');
    assert.equal(record?.status, 'failed');
    assert.match(record!.description, /ready groups: .*pooler/);
    assert.ok(!p.sim.store.objects({ kind: 'Deployment', namespace: 'migration-fails' }).some((d) => d.metadata.name === 'infra-litellm-proxy'), 'the proxy never rolled out');
  } finally {
    rule.remove();
  }
});

test('image pull error: names the pod, the kubelet message and how to investigate', async () => {
  const rule = p.sim.script({ kind: 'Deployment', name: 'infra-valkey-primary', imagePullError: { message: 'Back-off pulling image "docker.io/valkey/valkey:8.1.8"' } });
  try {
    const err = await failure(installOrUpgrade(p.ctx(), request('image-pull'), 'install'));
    assert.match(err.message, /group valkey failed/);
    assert.match(err.message, /ImagePullBackOff|ErrImagePull/);
    assert.match(err.message, /next: kubectl describe pod infra-valkey-primary-\S+ -n image-pull/);
  } finally {
    rule.remove();
  }
});

test('timeout: names every blocked object with its last condition', async () => {
  const rule = p.sim.script({ kind: 'Cluster', name: 'infra-postgresql', outcome: 'stuck' });
  try {
    const err = await failure(installOrUpgrade(p.ctx(), request('stuck', POSTGRES_ONLY, { wait: { ...fastWait, timeoutMs: 4000 } }), 'install'));
    assert.match(err.message, /timed out after 4s waiting for objects of group postgresql/);
    assert.match(err.message, /Cluster stuck\/infra-postgresql/);
    assert.match(err.message, /next: kubectl describe cluster\.postgresql\.cnpg\.io infra-postgresql -n stuck/);
  } finally {
    rule.remove();
  }
});

test('an interrupted install, run again, converges', async () => {
  const controller = new AbortController();
  const progress = new RecordingProgress();
  const sink = { emit: (e: Parameters<RecordingProgress['emit']>[0]) => { progress.emit(e); if (e.type === 'group-done' && e.group === 'pooler') controller.abort(); }, close() {} };
  await assert.rejects(installOrUpgrade(p.ctx(sink), request('interrupted', [], { wait: { ...fastWait, signal: controller.signal } }), 'install'), /interrupted; run the same command again/);
  assert.equal((await p.ctx().store.current('infra', 'interrupted'))?.status, 'failed');
  const again = await installOrUpgrade(p.ctx(), request('interrupted'), 'install');
  assert.equal(again.record.status, 'deployed');
  assert.equal(again.record.revision, 2);
  assert.ok(p.sim.store.objects({ kind: 'Deployment', namespace: 'interrupted' }).some((d) => d.metadata.name === 'infra-litellm-proxy'));
});

test('--rollback-on-failure restores the previous revision after a failed upgrade', async () => {
  await installOrUpgrade(p.ctx(), request('rollback'), 'install');
  const rule = p.sim.script({ kind: 'Deployment', name: 'infra-valkey-replica', imagePullError: true });
  try {
    await failure(installOrUpgrade(p.ctx(), request('rollback', ['valkey.replica.replicaCount=3', 'valkey.image.tag=8.1.99'], { rollbackOnFailure: true }), 'upgrade'));
  } finally {
    rule.remove();
  }
  const current = await p.ctx().store.current('infra', 'rollback');
  assert.equal(current?.status, 'deployed');
  assert.equal(current?.description, 'Rollback to 1');
  const replica = p.sim.store.objects({ kind: 'Deployment', namespace: 'rollback' }).find((d) => d.metadata.name === 'infra-valkey-replica');
  assert.equal((replica?.spec as any).replicas, 2);
  assert.match((replica?.spec as any).template.spec.containers[0].image, /:8\.1\.8$/);
});

test('a missing operator (CNPG webhook never available) fails before the cluster is created, pointing at the operators layer', async () => {
  const q = await startPlatform({ operators: ['envoy-gateway', 'knative'] });
  try {
    const err = await failure(installOrUpgrade(q.ctx(), request('no-operator', POSTGRES_ONLY, { wait: { ...fastWait, timeoutMs: 3000 } }), 'install'));
    assert.match(err.message, /timed out before group postgresql could start: the CNPG webhook must answer before a Cluster can be created/);
    assert.match(err.message, /Deployment cnpg-system\/cnpg-controller-manager does not exist yet/);
    assert.match(err.message, /next: is the operators layer installed\? npx inferctl install operators \.\/charts\/inference-operators/);
    assert.equal(q.sim.store.objects({ kind: 'Cluster' }).length, 0);
  } finally {
    await q.stop();
  }
});

test('--dry-run: every object is validated by the API server and nothing is created or recorded', async () => {
  const result = await installOrUpgrade(p.ctx(), request('default', [], { dryRun: true, createNamespace: false }), 'install');
  assert.equal(result.record.status, 'pending-install');
  assert.equal(p.sim.store.objects({ namespace: 'default', kind: 'Deployment' }).length, 0);
  assert.equal(await p.ctx().store.current('infra', 'default'), undefined);
  const dryRuns = p.sim.store.requests.filter((r) => r.method === 'PATCH' && r.namespace === 'default' && r.query.dryRun === 'All');
  assert.ok(dryRuns.length >= 15, `every object dry-run applied (${dryRuns.length})`);
  // An invalid object is caught by the dry run, exactly as a real apply would be.
  await assert.rejects(
    installOrUpgrade(p.ctx(), request('default', [], { dryRun: true, createNamespace: false, valueOptions: { ...emptyValueOptions(), values: ['networking-layer.kourier.enabled=false'], stringValues: ['networking-layer.envoyGateway.hostname=Not_A_Host!'] } }), 'install'),
    /Gateway default\/infra-gateway was rejected by the API server \(422.*hostname/,
  );
});

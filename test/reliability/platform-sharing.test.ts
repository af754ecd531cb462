import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { uninstall } from '../../src/actions/uninstall.js';
import { PART_OF, USED_BY } from '../../src/apply/ownership.js';
import { resolveChart } from '../../src/charts/index.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import { fastWait, startPlatform, type Platform } from '../helpers/platform.js';

// Two infrastructure releases named "infra" in two namespaces, as teams install them: the
// cluster-scoped GatewayClass name collides and is refused naming its owner and the key to change;
// the cluster-wide KnativeServing is shared and survives either uninstall until the last one.

let p: Platform;
before(async () => {
  p = await startPlatform();
});
after(() => p?.stop());

const wait = { ...fastWait, timeoutMs: 60_000 };
const LEAN = ['postgresql.cluster.instances=1', 'valkey.replica.replicaCount=0', 'litellm-proxy.replicaCount=1'];

function request(namespace: string, extra: string[] = []): InstallRequest {
  return {
    name: 'infra',
    namespace,
    chart: resolveChart('inference-infrastructure'),
    valueOptions: { ...emptyValueOptions(), values: [...LEAN, ...extra] },
    createNamespace: true,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait,
  };
}

const serving = () => p.sim.store.objects({ kind: 'KnativeServing', namespace: 'knative-serving' })[0];
const idOf = (ns: string) => p.sim.store.objects({ kind: 'Secret', namespace: ns }).find((o) => o.metadata.name === 'inferctl.release.infra')?.metadata.labels?.['applyset.kubernetes.io/id'];

test('a second "infra" release: the GatewayClass name is refused naming its owner and the key; KnativeServing is shared until the last release goes', async () => {
  await installOrUpgrade(p.ctx(), request('team-a'), 'install');
  const made = serving();
  assert.equal(made.metadata.annotations?.[USED_BY], 'team-a/infra');

  await assert.rejects(installOrUpgrade(p.ctx(), request('team-b'), 'install'), (err: Error) => {
    assert.match(err.message, /GatewayClass infra-llm-gateway already exists and belongs to release infra in namespace team-a/);
    assert.match(err.message, /set networking-layer\.envoyGateway\.gatewayClassName to another name for this release/);
    return true;
  });
  const b = await installOrUpgrade(p.ctx(), request('team-b', ['networking-layer.envoyGateway.gatewayClassName=team-b-llm-gateway']), 'install');
  assert.equal(b.record.status, 'deployed');
  assert.equal(serving().metadata.uid, made.metadata.uid, 'one KnativeServing');
  assert.equal(serving().metadata.annotations?.[USED_BY], 'team-a/infra,team-b/infra');

  const a = await uninstall(p.ctx(), { name: 'infra', namespace: 'team-a', purge: true, wait });
  assert.ok(!a.deleted.includes('KnativeServing knative-serving/knative-serving'));
  assert.ok(!a.deleted.includes('Namespace knative-serving'));
  assert.equal(serving()?.metadata.uid, made.metadata.uid, 'team-b still has its KnativeServing');
  assert.equal(serving().metadata.labels?.[PART_OF], idOf('team-b'));
  assert.ok(p.sim.store.objects({ kind: 'GatewayClass' }).some((g) => g.metadata.name === 'team-b-llm-gateway'));

  const last = await uninstall(p.ctx(), { name: 'infra', namespace: 'team-b', purge: true, wait });
  assert.ok(last.deleted.includes('KnativeServing knative-serving/knative-serving'));
  assert.equal(serving(), undefined);
});

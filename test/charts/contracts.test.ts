import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infrastructureContract } from '../../src/charts/contracts/infrastructure.js';
import { resolveChart } from '../../src/charts/index.js';
import { isUserError } from '../../src/core/errors.js';
import { lookupOf } from '../../src/render/lookup.js';
import { emptyValueOptions, renderRelease } from '../../src/render/pipeline.js';
import type { ReleaseExports, ReleaseLookup } from '../../src/render/types.js';
import { render as renderInfra } from '../helpers/render.js';

// The exports one release publishes and another reads: versioned, checked on read, typed.

const infraRecord = (exports: Record<string, string>, extra: Partial<ReleaseExports> = {}): ReleaseExports => ({
  release: 'infra',
  namespace: 'llm',
  chart: 'inference-infrastructure',
  status: 'deployed',
  exports,
  ...extra,
});

function renderChart(chart: string, releases: ReleaseLookup | undefined, set: string[] = [], release = 'r') {
  return renderRelease({ chart: resolveChart(chart), release, namespace: 'llm', valueOptions: { ...emptyValueOptions(), values: set }, releases });
}

/** A UserError in one paragraph that matches every pattern. */
function userError(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: Error) => {
    assert.ok(isUserError(err), `expected a UserError, got ${err.stack}`);
    assert.ok(!err.message.includes('\n'), err.message);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

test('the infrastructure chart writes its exports under a versioned contract, and the stack reads them back typed', () => {
  const exports = renderInfra({ release: 'infra', namespace: 'llm' }).result.exports;
  assert.equal(exports.contract, 'inference-infrastructure/v1');
  const read = infrastructureContract.read(infraRecord(exports));
  assert.equal(read.litellmUrl, 'http://infra-litellm-proxy.llm.svc.cluster.local:4000');
  assert.equal(read.masterKeySecret, 'infra-litellm-proxy-master-key');
  assert.equal((read as Record<string, string>).contract, undefined, 'only declared fields come back');
});

test('reading names the release and the key that is wrong, and how to fix it', () => {
  const good = renderInfra({ release: 'infra', namespace: 'llm' }).result.exports;
  userError(() => infrastructureContract.read(infraRecord({ ...good, litellmUrl: 'litellm:4000' })), /release "infra" in namespace "llm" \(inference-infrastructure\) publishes exports this inferctl cannot use: key litellmUrl is "litellm:4000", expected a URL such as http:\/\/host:4000/, /npx inferctl upgrade infra inference-infrastructure -n llm --reuse-values/);
  const { namespace: _dropped, ...withoutNamespace } = good;
  userError(() => infrastructureContract.read(infraRecord(withoutNamespace)), /key namespace \(namespace of the release\) is missing/);
  userError(() => infrastructureContract.read(infraRecord({ ...good, contract: 'inference-infrastructure/v2' })), /follow contract inference-infrastructure\/v2, newer than the inference-infrastructure\/v1 this inferctl reads; upgrade inferctl/);
  userError(() => infrastructureContract.read(infraRecord({ ...good, contract: 'inference-stack/v1' })), /its contract is "inference-stack\/v1", expected inference-infrastructure\/v1/);
  userError(() => infrastructureContract.read(infraRecord({ ...good, litellmPort: 4000 as unknown as string })), /key litellmPort is 4000, not a string/);
});

test('records written before contracts (no contract key) are still read', () => {
  const legacy = { namespace: 'llm', litellmService: 'infra-litellm-proxy', litellmPort: '4000', litellmUrl: 'http://infra-litellm-proxy.llm.svc.cluster.local:4000', masterKeySecret: 'k', masterKeySecretKey: 'master-key' };
  assert.equal(infrastructureContract.read(infraRecord(legacy)).masterKeySecret, 'k');
  const r = renderChart('inference-stack', lookupOf([infraRecord(legacy)]), [], 'stack');
  const job = r.objects.find((o) => o.object.kind === 'Job')!.object as any;
  const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  assert.deepEqual(env.LITELLM_MASTER_KEY, { secretKeyRef: { name: 'k', key: 'master-key' } });
});

test("a stack that finds a broken infrastructure record says so instead of rendering with it", () => {
  const good = renderInfra({ release: 'infra', namespace: 'llm' }).result.exports;
  userError(() => renderChart('inference-stack', lookupOf([infraRecord({ ...good, masterKeySecret: 'Not A Name' })]), ['infrastructureReleaseName=infra'], 'stack'), /release "infra" in namespace "llm" \(inference-infrastructure\).*key masterKeySecret is "Not A Name", expected a Kubernetes object name/);
});

const operatorsRecord = (exports: Record<string, string>): ReleaseExports => ({ release: 'operators', namespace: 'inferctl-system', chart: 'inference-operators', status: 'deployed', exports });

test("operator locations come from the operators release's exports; the gates, the GatewayClass and the provided refs follow them", () => {
  const published = renderChart('inference-operators', undefined).result.exports;
  assert.equal(published.contract, 'inference-operators/v1');
  assert.equal(published.kserveControllerDeployment, 'kserve/kserve-controller-manager');
  const moved = operatorsRecord({ ...published, cnpgWebhookDeployment: 'databases/cnpg-operator', kserveControllerDeployment: 'serving/kserve-ctrl', gatewayClassController: 'example.com/gateway-controller' });
  const lookup = lookupOf([moved]);

  const infra = renderChart('inference-infrastructure', lookup);
  const pg = infra.groups.find((g) => g.name === 'postgresql')!;
  assert.deepEqual(pg.gates?.map((g) => `${g.kind} ${g.namespace}/${g.name}`), ['deployment-available databases/cnpg-operator']);
  assert.ok(infra.result.provided.some((p) => p.kind === 'Deployment' && p.namespace === 'databases' && p.name === 'cnpg-operator' && /from the exports of inference-operators release inferctl-system\/operators/.test(p.by)));
  const gc = infra.objects.find((o) => o.object.kind === 'GatewayClass')!.object as any;
  assert.equal(gc.spec.controllerName, 'example.com/gateway-controller');
  assert.equal(infra.result.exports.operators, 'inference-operators release inferctl-system/operators');

  const stack = renderChart('inference-stack', lookupOf([moved, infraRecord(renderInfra({ release: 'infra', namespace: 'llm' }).result.exports)]), [], 'stack');
  const runtimes = stack.groups.find((g) => g.name === 'runtimes')!;
  assert.ok(runtimes.gates?.some((g) => g.kind === 'deployment-available' && g.namespace === 'serving' && g.name === 'kserve-ctrl'));
  assert.equal(stack.result.exports.operators, 'inference-operators release inferctl-system/operators');
});

test('without an operators release the upstream names are used, and the render says why', () => {
  const outside = renderChart('inference-infrastructure', lookupOf([]));
  assert.deepEqual(outside.groups.find((g) => g.name === 'postgresql')!.gates?.map((g) => `${g.namespace}/${g.name}`), ['cnpg-system/cnpg-controller-manager']);
  assert.ok(outside.result.provided.some((p) => p.name === 'cnpg-controller-manager' && /no inference-operators release in the cluster: installed outside inferctl, at its upstream default name/.test(p.by)));
  assert.match(outside.result.exports.operators!, /operators installed outside inferctl, upstream default names assumed/);
  // An operators release that does not install CloudNativePG (cloudnative-pg.enabled=false there).
  const partial = renderChart('inference-operators', undefined, ['cloudnative-pg.enabled=false']).result.exports;
  const infra = renderChart('inference-infrastructure', lookupOf([operatorsRecord(partial)]));
  assert.ok(infra.result.provided.some((p) => p.name === 'cnpg-controller-manager' && /not installed by inference-operators release inferctl-system\/operators/.test(p.by)));
  userError(() => renderChart('inference-infrastructure', lookupOf([operatorsRecord({ ...partial, kserveDeploymentMode: 'Serverless' })])), /release "operators" in namespace "inferctl-system" \(inference-operators\).*key kserveDeploymentMode is "Serverless", expected Standard or Knative/);
});

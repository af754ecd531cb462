import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext } from '../../src/actions/context.js';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { checkRequiredApis } from '../../src/actions/preflight.js';
import { resolveChart } from '../../src/charts/index.js';
import { isUserError } from '../../src/core/errors.js';
import type { K8sObject } from '../../src/core/object.js';
import { FakeKube } from '../../src/kube/fake.js';
import { MONITORING_CRDS, requiredMonitoringApis } from '../../src/monitoring/objects.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import { fakeCluster, fakeWait } from '../helpers/fake-cluster.js';

// Monitoring needs the Prometheus Operator's CRDs, which no inferctl layer installs: install and
// upgrade check them before the first apply and fail at once, instead of retrying "no matches for
// kind" for the whole --timeout.

const serviceMonitorApi = requiredMonitoringApis([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x' } }], 'monitoring.enabled=true');

function crd(name: string, opts: { served?: boolean; version?: string; established?: boolean } = {}): K8sObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: { group: 'monitoring.coreos.com', versions: [{ name: opts.version ?? 'v1', served: opts.served ?? true, storage: true }] },
    status: { conditions: [{ type: 'Established', status: opts.established === false ? 'False' : 'True' }] },
  };
}

async function withCrds(...crds: K8sObject[]): Promise<FakeKube> {
  const kube = new FakeKube();
  for (const c of crds) {
    await kube.applyAs('kube-prometheus-stack', c);
    kube.mutate({ apiVersion: c.apiVersion, kind: c.kind, name: c.metadata.name }, (o) => void (o.status = c.status));
  }
  return kube;
}

test('checkRequiredApis: served and Established passes; missing, not served or not Established fails naming the CRD, why and how to get it', async () => {
  await checkRequiredApis(await withCrds(crd(MONITORING_CRDS.ServiceMonitor)), serviceMonitorApi);
  await checkRequiredApis(new FakeKube(), []);
  await checkRequiredApis(new FakeKube(), undefined);

  const missing = await withCrds();
  await assert.rejects(checkRequiredApis(missing, serviceMonitorApi), (err: Error) => {
    assert.ok(isUserError(err));
    assert.match(err.message, /^the fake cluster does not serve what this release renders: CRD servicemonitors\.monitoring\.coreos\.com \(ServiceMonitor\) is not installed\. monitoring\.enabled=true renders these kinds\. Nothing was applied\./);
    assert.match(err.message, /kube-prometheus-stack/);
    assert.match(err.message, /kubectl apply --server-side -f https:\/\/raw\.githubusercontent\.com\/prometheus-operator\/prometheus-operator\/v0\.93\.1\/example\/prometheus-operator-crd\/monitoring\.coreos\.com_servicemonitors\.yaml/);
    assert.doesNotMatch(err.message, /\n/, 'one paragraph');
    return true;
  });
  await assert.rejects(checkRequiredApis(await withCrds(crd(MONITORING_CRDS.ServiceMonitor, { version: 'v1beta1' })), serviceMonitorApi), /does not serve monitoring\.coreos\.com\/v1 \(served: v1beta1\)/);
  await assert.rejects(checkRequiredApis(await withCrds(crd(MONITORING_CRDS.ServiceMonitor, { served: false })), serviceMonitorApi), /served: none/);
  await assert.rejects(checkRequiredApis(await withCrds(crd(MONITORING_CRDS.ServiceMonitor, { established: false })), serviceMonitorApi), /is installed but not Established yet/);
});

function request(chart: string, set: string[], extra: Partial<InstallRequest> = {}): InstallRequest {
  return {
    name: 'infra',
    namespace: 'ns',
    chart: resolveChart(chart),
    valueOptions: { ...emptyValueOptions(), values: set },
    createNamespace: false,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait: fakeWait,
    ...extra,
  };
}

test('install with monitoring enabled and no Prometheus Operator CRDs fails before applying anything, in well under a second', async () => {
  const kube = fakeCluster();
  const ctx = makeContext(kube, { emit() {}, close() {} });
  const started = Date.now();
  await assert.rejects(installOrUpgrade(ctx, request('inference-infrastructure', ['monitoring.enabled=true']), 'install'), (err: Error) => {
    assert.match(err.message, /CRD servicemonitors\.monitoring\.coreos\.com \(ServiceMonitor\) is not installed; CRD podmonitors\.monitoring\.coreos\.com \(PodMonitor\) is not installed; CRD prometheusrules\.monitoring\.coreos\.com \(PrometheusRule\) is not installed\. monitoring\.enabled=true renders these kinds\. Nothing was applied\./);
    return true;
  });
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(kube.calls.filter((c) => c.verb === 'apply').map((c) => c.ref), ['/Namespace//ns'], 'only the test setup applied anything');
  assert.equal(await ctx.store.current('infra', 'ns'), undefined, 'no release record either');

  // --create-namespace creates nothing when the check fails; with the original key alone, only ServiceMonitor is needed.
  const fresh = new FakeKube();
  const ctx2 = makeContext(fresh, { emit() {}, close() {} });
  await assert.rejects(installOrUpgrade(ctx2, request('inference-infrastructure', ['litellm-proxy.serviceMonitor.enabled=true'], { namespace: 'other', createNamespace: true }), 'install'), /\(ServiceMonitor\) is not installed\. litellm-proxy\.serviceMonitor\.enabled=true renders these kinds/);
  assert.deepEqual(fresh.calls.filter((c) => c.verb === 'apply'), []);
});

test('upgrade checks too: the stack with monitoring enabled, and the CRDs served, passes the check', async () => {
  const kube = fakeCluster();
  const ctx = makeContext(kube, { emit() {}, close() {} });
  const models = ['monitoring.enabled=true', 'registrar.enabled=false', 'models[0].name=qwen', 'models[0].runtime=vllm', 'models[0].storageUri=hf://Qwen/Qwen2.5-0.5B-Instruct'];
  await assert.rejects(installOrUpgrade(ctx, request('inference-stack', models, { name: 'stack' }), 'upgrade-install'), /podmonitors\.monitoring\.coreos\.com \(PodMonitor\) is not installed; CRD prometheusrules/);
  assert.deepEqual(kube.calls.filter((c) => c.verb === 'apply').map((c) => c.ref), ['/Namespace//ns']);

  // Served: the check passes and install goes on to the engine (which waits for KServe here, so stop it with a short timeout).
  for (const name of Object.values(MONITORING_CRDS)) {
    await kube.applyAs('kube-prometheus-stack', crd(name));
    kube.mutate({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name }, (o) => void (o.status = crd(name).status));
  }
  await assert.rejects(installOrUpgrade(ctx, request('inference-stack', models, { name: 'stack', wait: { ...fakeWait, timeoutMs: 50 } }), 'upgrade-install'), (err: Error) => !/is not installed/.test(err.message));
  assert.ok(kube.calls.some((c) => c.verb === 'apply' && c.ref === 'monitoring.coreos.com/PodMonitor/ns/stack-models'), 'past the check: the monitoring group was applied');
});

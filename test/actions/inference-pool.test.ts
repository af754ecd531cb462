import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { resolveChart } from '../../src/charts/index.js';
import { aiGatewayExtension } from '../../src/charts/inference-operators/components/envoy-gateway-extension.js';
import type { K8sObject } from '../../src/core/object.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import { toYaml } from '../../src/render/yaml-output.js';
import { which } from '../helpers/procs.js';
import { fastWait, INFRA_CRDS, jobRun, litellmCall, RecordingProgress, startPlatform, type Platform } from '../helpers/platform.js';

/**
 * Cache-aware routing on the Kubernetes API simulator: Envoy Gateway configured for Envoy AI Gateway
 * (the configuration the operators chart renders, read when its pod starts), Envoy AI Gateway's
 * controller writing InferencePool status, the infrastructure's internal model gateway, and a
 * Standard-mode vLLM model whose LiteLLM route goes to its HTTPRoute. Then an operators release
 * without Envoy AI Gateway: the stack refuses to install before applying anything.
 */
let p: Platform;
const NS = 'llm';
const GATEWAY_URL = 'http://envoy-llm-infra-model-gateway.envoy-gateway-system.svc.cluster.local';
const EXTERNAL_DB = [
  'postgresql.enabled=false',
  'valkey.enabled=false',
  'litellm-proxy.cache.enabled=false',
  'litellm-proxy.migrationJob.enabled=false',
  'litellm-proxy.database.host=postgres.example.internal',
  'litellm-proxy.database.passwordSecretName=external-db',
];
const POOLED = `models:
  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", gpus: 1, deploymentMode: Standard}
  - {name: tiny, runtime: llamacpp, storageUri: "s3://models/tiny.gguf", deploymentMode: Standard}
`;

function request(chart: string, name: string, values: string[], file?: string, namespace = NS): InstallRequest {
  return {
    name,
    namespace,
    chart: resolveChart(chart),
    valueOptions: { ...emptyValueOptions(), values, valueFiles: file ? ['models.yaml'] : [] },
    readFile: () => file ?? '',
    createNamespace: true,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait: fastWait,
  };
}

const find = (kind: string, name: string) => p.sim.store.find({ kind, namespace: NS, name });
const cond = (conds: any[] | undefined, type: string) => (conds ?? []).find((c: any) => c.type === type);

before(async () => {
  assert.ok(which('python3'), 'python3 must be installed (.ci/run installs it)');
  // Envoy Gateway starts with the configuration the operators chart gives it when Envoy AI Gateway is on.
  const egConfig = { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyGateway', gateway: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' }, ...aiGatewayExtension() };
  const seed: K8sObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envoy-gateway-system' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'envoy-gateway-config', namespace: 'envoy-gateway-system' }, data: { 'envoy-gateway.yaml': toYaml(egConfig) } },
  ];
  p = await startPlatform({
    operators: ['envoy-gateway', 'envoy-ai-gateway', 'knative', 'kserve'],
    crds: [...INFRA_CRDS, 'ServingRuntime.serving.kserve.io', 'InferenceService.serving.kserve.io', 'Service.serving.knative.dev', 'InferencePool.inference.networking.k8s.io'],
    sim: { gpuNodes: 1, seed },
  });
  const c = p.sim.client('test-setup');
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'external-db', namespace: NS }, type: 'Opaque', data: { password: Buffer.from('pw').toString('base64') } });
  await installOrUpgrade(p.ctx(), request('inference-infrastructure', 'infra', EXTERNAL_DB), 'install');
});

after(async () => {
  await p?.stop();
});

test('the infrastructure runs an internal model gateway: a ClusterIP Service of a fixed name, Programmed; the public Gateway is unchanged', () => {
  const gw = find('Gateway', 'infra-model-gateway');
  assert.equal(cond((gw?.status as any)?.conditions, 'Programmed')?.status, 'True');
  const svc = p.sim.store.find({ kind: 'Service', namespace: 'envoy-gateway-system', name: 'envoy-llm-infra-model-gateway' });
  assert.equal((svc?.spec as any)?.type, 'ClusterIP', 'never a load balancer');
  const publicSvc = p.sim.store.objects({ kind: 'Service', namespace: 'envoy-gateway-system' }).find((s) => s.metadata.labels?.['gateway.envoyproxy.io/owning-gateway-name'] === 'infra-gateway');
  assert.equal((publicSvc?.spec as any)?.type, 'LoadBalancer');
  const publicRoute = (find('HTTPRoute', 'infra-litellm-proxy')?.spec as any) ?? {};
  assert.deepEqual(publicRoute.parentRefs.map((r: any) => r.name), ['infra-gateway'], "LiteLLM's public route stays on the public Gateway");
  assert.deepEqual(publicRoute.rules[0].backendRefs.map((b: any) => `${b.kind}/${b.name}:${b.port}`), ['Service/infra-litellm-proxy:4000']);
});

test('a Standard-mode vLLM model: InferencePool accepted by the model gateway, its HTTPRoute Accepted and ResolvedRefs, then LiteLLM routes to the HTTPRoute', async () => {
  const progress = new RecordingProgress();
  const result = await installOrUpgrade(p.ctx(progress), request('inference-stack', 'stack', [], POOLED), 'install');
  assert.equal(result.record.status, 'deployed');

  const pool = find('InferencePool', 'stack-qwen-pool');
  const parent = (pool?.status as any)?.parents?.[0];
  assert.deepEqual(parent?.parentRef, { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'infra-model-gateway', namespace: NS });
  for (const type of ['Accepted', 'ResolvedRefs']) assert.equal(cond(parent.conditions, type)?.status, 'True', type);
  const route = find('HTTPRoute', 'stack-qwen-route');
  for (const type of ['Accepted', 'ResolvedRefs']) assert.equal(cond((route?.status as any)?.parents?.[0]?.conditions, type)?.status, 'True', type);
  assert.deepEqual((route?.spec as any).rules[0].backendRefs.map((b: any) => `${b.group}/${b.kind}/${b.name}`), ['inference.networking.k8s.io/InferencePool/stack-qwen-pool']);
  assert.ok(find('Deployment', 'stack-qwen-epp'), 'the endpoint picker');
  assert.equal(find('InferencePool', 'stack-tiny-pool'), undefined, 'llama.cpp: no pool');

  const run = jobRun(p.sim, NS, /^stack-model-registrar-/);
  assert.equal(run?.exitCode, 0, run?.log);
  assert.match(run!.log, new RegExp(`registered qwen -> ${GATEWAY_URL.replace(/\./g, '\\.')}/llm/stack-qwen/v1`));
  const models = (await litellmCall(p.sim, NS, '/model/info')).data as { model_info: { id: string }; litellm_params: { api_base: string } }[];
  const base = (id: string) => models.find((m) => m.model_info.id === id)?.litellm_params.api_base;
  assert.equal(base('inferctl-llm-stack-qwen'), `${GATEWAY_URL}/llm/stack-qwen/v1`);
  assert.equal(base('inferctl-llm-stack-tiny'), 'http://stack-tiny-predictor.llm.svc.cluster.local/v1', 'no pool: the predictor Service');

  // The registrar waited for the pools group: the pool accepted and its route resolved first.
  const done = progress.events.filter((e) => e.type === 'group-done').map((e) => (e as { group: string }).group);
  assert.ok(done.indexOf('pools') >= 0 && done.indexOf('pools') < done.indexOf('registrar'), done.join(', '));
});

test('an operators release without Envoy AI Gateway: a stack with a pool fails before applying anything, naming the missing piece and both fixes', async () => {
  const off = ['cert-manager', 'cloudnative-pg', 'gateway-api', 'envoy-gateway', 'knative-operator', 'kserve', 'envoyAIGateway', 'gateway-api-inference-extension'].map((k) => `${k}.enabled=false`);
  await installOrUpgrade(p.ctx(), request('inference-operators', 'operators', off, undefined, 'inferctl-system'), 'install');
  const before = p.sim.store.objects({ kind: 'InferenceService', namespace: NS }).length;
  await assert.rejects(installOrUpgrade(p.ctx(), request('inference-stack', 'team-c', [], POOLED), 'install'), (err: Error) => {
    assert.match(err.message, /key models\[0\]\.inferencePool\.enabled/);
    assert.match(err.message, /operators release "operators" in namespace "inferctl-system" runs without Envoy AI Gateway \(envoyAIGateway\.enabled=false there\)/);
    assert.match(err.message, /--set envoyAIGateway\.enabled=true\) or set models\[0\]\.inferencePool\.enabled=false/);
    return true;
  });
  assert.equal(p.sim.store.objects({ kind: 'InferenceService', namespace: NS }).length, before, 'nothing applied');
  // Turning the pool off is the other way out: the model is routed to its predictor Service.
  const result = await installOrUpgrade(p.ctx(), request('inference-stack', 'team-c', ['models[0].inferencePool.enabled=false'], POOLED), 'install');
  assert.equal(result.record.status, 'deployed');
  const models = (await litellmCall(p.sim, NS, '/model/info')).data as { model_info: { id: string }; litellm_params: { api_base: string } }[];
  assert.equal(models.find((m) => m.model_info.id === 'inferctl-llm-team-c-qwen')?.litellm_params.api_base, 'http://team-c-qwen-predictor.llm.svc.cluster.local/v1');
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { uninstall } from '../../src/actions/uninstall.js';
import { resolveChart } from '../../src/charts/index.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import { which } from '../helpers/procs.js';
import { fastWait, INFRA_CRDS, jobRun, litellmCall, RecordingProgress, secretValue, startPlatform, type Platform } from '../helpers/platform.js';

/**
 * infra + stack against the Kubernetes API simulator: real install/upgrade/uninstall, the release
 * lookup, the simulator's KServe and Knative controllers, and the registrar's Python program run for
 * real (with the master key the infrastructure's secret generator created) against the simulator's
 * fake LiteLLM admin API, reached at the LiteLLM Service's cluster DNS name as in a cluster.
 */
let p: Platform;
const NS = 'llm';
const STACK_CRDS = [
  'ServingRuntime.serving.kserve.io',
  'InferenceService.serving.kserve.io',
  'Service.serving.knative.dev',
  'InferencePool.inference.networking.k8s.io',
];

const EXTERNAL_DB = [
  'postgresql.enabled=false',
  'valkey.enabled=false',
  'litellm-proxy.cache.enabled=false',
  'litellm-proxy.migrationJob.enabled=false',
  'litellm-proxy.database.host=postgres.example.internal',
  'litellm-proxy.database.passwordSecretName=external-db',
];

const MODELS = `models:
  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", gpus: 1}
  - {name: tiny, runtime: llamacpp, storageUri: "s3://models/tiny.gguf", deploymentMode: Standard}
`;

function request(chart: string, name: string, values: string[], file?: string): InstallRequest {
  return {
    name,
    namespace: NS,
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

const stack = (name: string, file: string | undefined, extra: string[] = []) => request('inference-stack', name, extra, file);
const models = async (): Promise<{ model_name: string; litellm_params: Record<string, unknown>; model_info: Record<string, unknown> }[]> => (await litellmCall(p.sim, NS, '/model/info')).data;
const ours = async (owner: string) => (await models()).filter((m) => m.model_info.inferctl_owner === owner).map((m) => m.model_name).sort();

before(async () => {
  assert.ok(which('python3'), 'python3 must be installed (.ci/run installs it)');
  // The stack's vLLM model asks for a GPU: the cluster needs a GPU node for it to schedule.
  p = await startPlatform({ operators: ['cnpg', 'envoy-gateway', 'knative', 'kserve'], crds: [...INFRA_CRDS, ...STACK_CRDS], sim: { gpuNodes: 1 } });
  // The infrastructure as the stack sees it (LiteLLM, its generated master key, Knative), without the
  // database and cache layers, which test/actions covers and the stack never talks to.
  p.sim.client('test-setup').apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  p.sim.client('test-setup').apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'external-db', namespace: NS }, type: 'Opaque', data: { password: Buffer.from('pw').toString('base64') } });
  await installOrUpgrade(p.ctx(), request('inference-infrastructure', 'infra', EXTERNAL_DB), 'install');
  // A model from LiteLLM's own configuration, which no stack release owns.
  await litellmCall(p.sim, NS, '/model/new', { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: '5f3e2a' } });
});

after(async () => {
  await p?.stop();
});

test('without the infrastructure release the stack refuses to install and says how to fix it', async () => {
  await assert.rejects(installOrUpgrade(p.ctx(), request('inference-stack', 'stack', ['infrastructureReleaseName=platform'], MODELS), 'install'), (err: Error) => {
    assert.match(err.message, /no infrastructure release "platform" in namespace "llm": install it first \(npx inferctl install platform \.\/charts\/inference-infrastructure -n llm\)/);
    return true;
  });
});

test('install: runtimes, then Ready InferenceServices, then the registrar routes LiteLLM to both models', async () => {
  const progress = new RecordingProgress();
  const result = await installOrUpgrade(p.ctx(progress), stack('stack', MODELS), 'install');
  assert.equal(result.record.status, 'deployed');
  const run = jobRun(p.sim, NS, /^stack-model-registrar-/);
  assert.equal(run?.exitCode, 0, run?.log);
  assert.deepEqual(await ours(`${NS}/stack`), ['qwen', 'tiny']);
  assert.equal((await models()).find((m) => m.model_info.id === 'inferctl-llm-stack-qwen')?.litellm_params.api_base, 'http://stack-qwen-predictor.llm.svc.cluster.local/v1');
  const done = progress.events.filter((e) => e.type === 'group-done').map((e) => (e as { group: string }).group);
  assert.deepEqual(done.filter((g) => ['runtimes', 'models', 'registrar'].includes(g)), ['runtimes', 'models', 'registrar']);
  const applied = progress.applied();
  const firstIsvc = applied.findIndex((o) => o.startsWith('InferenceService'));
  assert.ok(applied.findIndex((o) => o.startsWith('ServingRuntime')) < firstIsvc);
  const lastIsvc = applied.map((o) => o.startsWith('InferenceService')).lastIndexOf(true);
  assert.ok(applied.findIndex((o) => o.startsWith('Job')) > lastIsvc);
  assert.ok(!JSON.stringify(progress.events).includes(secretValue(p.sim, NS, 'infra-litellm-proxy-master-key', 'master-key')!));
});

test('a second stack release shares the infrastructure without touching the first', async () => {
  const other = 'models:\n  - {name: small, runtime: ollama, modelTag: "qwen3:4b"}\n';
  await installOrUpgrade(p.ctx(), stack('team-b', other), 'install');
  assert.deepEqual(await ours(`${NS}/team-b`), ['small']);
  assert.deepEqual(await ours(`${NS}/stack`), ['qwen', 'tiny']);
});

test('upgrade without a model removes its route; the unchanged one stays', async () => {
  const one = 'models:\n  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", gpus: 1}\n';
  const result = await installOrUpgrade(p.ctx(), stack('stack', one), 'upgrade');
  assert.ok(result.pruned.some((o) => o.startsWith(`InferenceService ${NS}/stack-tiny`)), result.pruned.join(', '));
  assert.deepEqual(await ours(`${NS}/stack`), ['qwen']);
  assert.deepEqual(await ours(`${NS}/team-b`), ['small']);
});

test('uninstall runs the hook first: the release\'s routes go, other releases and LiteLLM\'s own models stay', async () => {
  await uninstall(p.ctx(), { name: 'stack', namespace: NS, purge: false, wait: fastWait });
  assert.deepEqual(await ours(`${NS}/stack`), []);
  assert.deepEqual(await ours(`${NS}/team-b`), ['small']);
  assert.ok((await models()).some((m) => m.model_info.id === '5f3e2a'), "LiteLLM's config model");
  assert.equal(p.sim.store.objects({ kind: 'InferenceService', namespace: NS }).filter((o) => o.metadata.name.startsWith('stack-')).length, 0);
  assert.equal(p.sim.store.objects({ kind: 'Job', namespace: NS }).filter((o) => o.metadata.name.startsWith('stack-model-registrar')).length, 0, 'hook Job deleted too');
});

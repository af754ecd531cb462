import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveChart } from '../../src/charts/index.js';
import type { K8sObject } from '../../src/core/object.js';
import { emptyValueOptions, renderRelease } from '../../src/render/pipeline.js';
import { container, envOf, get } from '../helpers/render.js';
import { freePort, Processes, which } from '../helpers/procs.js';
import { FakeLiteLLM } from '../../src/sim/fakes/litellm.js';

/**
 * Runs the registrar script the stack renders (ConfigMap + Job env) with python3 against a fake
 * LiteLLM admin API (src/sim/fakes/litellm.ts, the one the simulator serves) that speaks LiteLLM's
 * request and response shapes.
 */

const MASTER_KEY = 'sk-test-master-0123456789abcdef';
const procs = new Processes();
let scriptPath = '';

const litellm = new FakeLiteLLM(MASTER_KEY);

function renderStack(values: string): { configMap: K8sObject; job: K8sObject; hook: K8sObject } {
  const rendered = renderRelease({
    chart: resolveChart('inference-stack'),
    release: 'stack',
    namespace: 'llm',
    valueOptions: { ...emptyValueOptions(), valueFiles: ['v.yaml'] },
    readFile: () => values,
  });
  const objects = rendered.objects.map((o) => o.object);
  const job = objects.find((o) => o.kind === 'Job')!;
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === get(job, 'spec.template.spec.volumes.0.configMap.name'))!;
  const hook = rendered.result.uninstallHooks!.find((h) => h.object.kind === 'Job')!.object;
  return { configMap, job, hook };
}

const TWO = `models:
  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", gpus: 2}
  - {name: tiny, runtime: llamacpp, storageUri: "s3://models/tiny.gguf", deploymentMode: Standard}
`;
const ONE = `models:
  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", gpus: 2}
`;

interface Run { code: number | null; output: string }

/** Runs the Job's container command with its env, pointed at the fake LiteLLM. Never blocks the event loop. */
function runJob(job: K8sObject, overrides: Record<string, string> = {}): Promise<Run> {
  const env = envOf(container(job));
  const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const child = spawn('python3', [scriptPath], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...plain,
      LITELLM_URL: `http://127.0.0.1:${litellm.port}`,
      LITELLM_MASTER_KEY: MASTER_KEY,
      REGISTRAR_RETRY_SECONDS: '0.1',
      REGISTRAR_TIMEOUT_SECONDS: '20',
      ...overrides,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

async function v1Models(): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${litellm.port}/v1/models`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
  return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id).sort();
}

before(async () => {
  assert.ok(which('python3'), 'python3 must be installed (.ci/run installs it)');
  const { configMap, job } = renderStack(TWO);
  assert.deepEqual(get(job, 'spec.template.spec.containers.0.command'), ['python3', '/scripts/register-models.py']);
  scriptPath = join(procs.tempDir('registrar'), 'register-models.py');
  writeFileSync(scriptPath, (configMap.data as Record<string, string>)['register-models.py']);
  await litellm.listen(await freePort());
});

/** A model from LiteLLM's config file and one registered by another stack release. */
function reset(): void {
  litellm.models.clear();
  litellm.calls = [];
  litellm.unavailable = 0;
  litellm.dropCreates = 0;
  litellm.loseCreates = 0;
  litellm.models.set('5f3e2a', { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: '5f3e2a', db_model: false } });
  litellm.models.set('inferctl-other-stack-chat', {
    model_name: 'chat',
    litellm_params: { model: 'hosted_vllm/chat', api_base: 'http://stack-chat-predictor.other.svc.cluster.local/v1', api_key: 'none' },
    model_info: { id: 'inferctl-other-stack-chat', inferctl_owner: 'other/stack', db_model: true },
  });
}

beforeEach(reset);

after(async () => {
  await litellm.close();
  await procs.stopAll();
});

test('registers two models with stable ids and the owner marker; they appear in /v1/models', async () => {
  const run = await runJob(renderStack(TWO).job);
  assert.equal(run.code, 0, run.output);
  const qwen = litellm.models.get('inferctl-llm-stack-qwen')!;
  assert.equal(qwen.model_name, 'qwen');
  assert.deepEqual(qwen.litellm_params, { model: 'hosted_vllm/qwen', api_base: 'http://stack-qwen-predictor.llm.svc.cluster.local/v1', api_key: 'none' });
  assert.equal(qwen.model_info.inferctl_owner, 'llm/stack');
  assert.equal(litellm.models.get('inferctl-llm-stack-tiny')?.litellm_params.api_base, 'http://stack-tiny-predictor.llm.svc.cluster.local/v1');
  assert.deepEqual(await v1Models(), ['chat', 'gpt-4o', 'qwen', 'tiny']);
  assert.match(run.output, /2 registered, 0 updated, 0 removed, 0 unchanged/);
  assert.ok(!run.output.includes(MASTER_KEY));
});

test('a re-run is idempotent: no writes, no duplicates', async () => {
  assert.equal((await runJob(renderStack(TWO).job)).code, 0);
  litellm.calls = [];
  const again = await runJob(renderStack(TWO).job);
  assert.equal(again.code, 0, again.output);
  assert.deepEqual(litellm.mutations(), [], 'LiteLLM returns api_key-less params and extra model_info keys; still unchanged');
  assert.equal(litellm.models.size, 4);
  assert.match(again.output, /0 registered, 0 updated, 0 removed, 2 unchanged/);
});

test('removing a model deletes its route; the kept one and other releases are untouched', async () => {
  assert.equal((await runJob(renderStack(TWO).job)).code, 0);
  litellm.calls = [];
  const run = await runJob(renderStack(ONE).job);
  assert.equal(run.code, 0, run.output);
  assert.deepEqual(litellm.mutations(), ['POST /model/delete']);
  assert.ok(!litellm.models.has('inferctl-llm-stack-tiny'));
  assert.ok(litellm.models.has('inferctl-llm-stack-qwen'));
  assert.deepEqual(await v1Models(), ['chat', 'gpt-4o', 'qwen']);
});

test('a changed model is re-created under the same id', async () => {
  assert.equal((await runJob(renderStack(ONE).job)).code, 0);
  const renamed = `models:\n  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", servedModelName: qwen-chat}\n`;
  const run = await runJob(renderStack(renamed).job);
  assert.equal(run.code, 0, run.output);
  assert.equal(litellm.models.get('inferctl-llm-stack-qwen')?.model_name, 'qwen-chat');
  assert.equal([...litellm.models.keys()].filter((id) => id.startsWith('inferctl-llm-stack-')).length, 1);
  assert.deepEqual(await v1Models(), ['chat', 'gpt-4o', 'qwen-chat']);
});

test('the uninstall hook removes every model of the release and only those', async () => {
  const { job, hook } = renderStack(TWO);
  assert.equal((await runJob(job)).code, 0);
  const run = await runJob(hook);
  assert.equal(run.code, 0, run.output);
  assert.deepEqual([...litellm.models.keys()].sort(), ['5f3e2a', 'inferctl-other-stack-chat']);
});

test('the uninstall hook never blocks: LiteLLM gone or no master key Secret -> warning, exit 0', async () => {
  const { hook } = renderStack(TWO);
  const port = await freePort();
  const gone = await runJob(hook, { LITELLM_URL: `http://127.0.0.1:${port}`, REGISTRAR_TIMEOUT_SECONDS: '1' });
  assert.equal(gone.code, 0, gone.output);
  assert.match(gone.output, /gave up after 1s[\s\S]*WARNING: routes of llm\/stack may remain in LiteLLM/);
  const noKey = await runJob(hook, { LITELLM_MASTER_KEY: '' });
  assert.equal(noKey.code, 0, noKey.output);
  assert.match(noKey.output, /master key Secret or its key does not exist/);
  const sync = await runJob(renderStack(TWO).job, { LITELLM_MASTER_KEY: '' });
  assert.equal(sync.code, 2, 'the install-time Job does fail');
});

test('LiteLLM not listening yet, then answering 503: the registrar waits and then syncs', async () => {
  await litellm.close();
  const pending = runJob(renderStack(TWO).job);
  await new Promise((r) => setTimeout(r, 800));
  litellm.unavailable = 3;
  await litellm.listen(litellm.port);
  const run = await pending;
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /waiting for LiteLLM/);
  assert.equal(litellm.unavailable, 0, 'the 503 answers were retried');
  assert.ok(litellm.models.has('inferctl-llm-stack-qwen') && litellm.models.has('inferctl-llm-stack-tiny'));
});

test('a rejected master key: clear error, non-zero exit, no writes, the key never printed', async () => {
  const wrong = 'sk-wrong-key-DO-NOT-PRINT-42';
  const run = await runJob(renderStack(TWO).job, { LITELLM_MASTER_KEY: wrong });
  assert.notEqual(run.code, 0);
  assert.match(run.output, /LiteLLM rejected the master key on GET \/model\/info \(HTTP 401\)/);
  assert.ok(!run.output.includes(wrong), run.output);
  assert.deepEqual(litellm.mutations(), []);
});

test('an id that belongs to another owner is an error, not an overwrite', async () => {
  litellm.models.set('inferctl-llm-stack-qwen', { model_name: 'qwen', litellm_params: { model: 'openai/x' }, model_info: { id: 'inferctl-llm-stack-qwen', inferctl_owner: 'someone/else' } });
  const run = await runJob(renderStack(ONE).job);
  assert.equal(run.code, 1);
  assert.match(run.output, /already belongs to someone\/else/);
  assert.equal(litellm.models.get('inferctl-llm-stack-qwen')?.litellm_params.model, 'openai/x');
});

test('gives up with exit 75 when LiteLLM never answers within the timeout', async () => {
  const port = await freePort();
  const run = await runJob(renderStack(ONE).job, { LITELLM_URL: `http://127.0.0.1:${port}`, REGISTRAR_TIMEOUT_SECONDS: '1' });
  assert.equal(run.code, 75, run.output);
  assert.match(run.output, /gave up after 1s/);
});

test('a create LiteLLM acknowledges but does not store (BerriAI/litellm#30771) fails the Job naming the model; the next run re-creates it', async () => {
  litellm.dropCreates = 1;
  const run = await runJob(renderStack(ONE).job);
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, /POST \/model\/new for model qwen \(id inferctl-llm-stack-qwen\) but did not store it in its database .*db_model=False.*BerriAI\/litellm#30771/);
  assert.ok(!run.output.includes(MASTER_KEY));
  assert.ok(litellm.calls.includes('GET /model/info?litellm_model_id=inferctl-llm-stack-qwen'), 'read back by id');
  assert.equal(litellm.models.get('inferctl-llm-stack-qwen')?.model_info.db_model, false);

  litellm.calls = [];
  const again = await runJob(renderStack(ONE).job);
  assert.equal(again.code, 0, again.output);
  assert.deepEqual(litellm.mutations(), ['POST /model/delete', 'POST /model/new'], 'listed as not stored: deleted and created again');
  assert.equal(litellm.models.get('inferctl-llm-stack-qwen')?.model_info.db_model, true);
});

test('a create that cannot be read back at all fails the Job after REGISTRAR_VERIFY_SECONDS, naming the model', async () => {
  litellm.loseCreates = 1;
  const run = await runJob(renderStack(TWO).job, { REGISTRAR_VERIFY_SECONDS: '0.5' });
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, /POST \/model\/new for model qwen \(id inferctl-llm-stack-qwen\), but GET \/model\/info\?litellm_model_id=inferctl-llm-stack-qwen still finds no such model after 0.5s/);
  assert.ok(!litellm.models.has('inferctl-llm-stack-qwen'));
  assert.ok(!litellm.models.has('inferctl-llm-stack-tiny'), 'stops at the first model it cannot verify');
});

test('a Standard-mode vLLM model is registered at its route on the model gateway, not its predictor Service', async () => {
  const pooled = `models:\n  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", deploymentMode: Standard}\n`;
  const run = await runJob(renderStack(pooled).job);
  assert.equal(run.code, 0, run.output);
  assert.equal(litellm.models.get('inferctl-llm-stack-qwen')?.litellm_params.api_base, 'http://envoy-llm-infra-model-gateway.envoy-gateway-system.svc.cluster.local/llm/stack-qwen/v1');
  assert.match(run.output, /registered qwen -> http:\/\/envoy-llm-infra-model-gateway\.envoy-gateway-system\.svc\.cluster\.local\/llm\/stack-qwen\/v1/);
});

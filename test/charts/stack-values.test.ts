import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveChart } from '../../src/charts/index.js';
import { isUserError } from '../../src/core/errors.js';
import { emptyValueOptions, renderRelease } from '../../src/render/pipeline.js';
import { lookupOf } from '../../src/render/lookup.js';
import type { ReleaseExports, ReleaseLookup } from '../../src/render/types.js';
import { render as renderInfra } from '../helpers/render.js';

// Invalid stack values and a missing infrastructure release fail with one paragraph naming the key.

function renderStack(values: string, releases?: ReleaseLookup, set: string[] = []) {
  return renderRelease({
    chart: resolveChart('inference-stack'),
    release: 'stack',
    namespace: 'llm',
    valueOptions: { ...emptyValueOptions(), valueFiles: ['models.yaml'], values: set },
    readFile: () => values,
    releases,
  });
}

/** Asserts a one-paragraph UserError that matches every pattern. */
function rejects(values: string, patterns: RegExp[], releases?: ReleaseLookup, set: string[] = []): void {
  try {
    renderStack(values, releases, set);
  } catch (err) {
    assert.ok(isUserError(err), `expected a UserError, got ${String(err)}`);
    const message = (err as Error).message;
    const paragraph = message.split('\nRun "inferctl show values')[0];
    assert.ok(!paragraph.includes('\n'), `one paragraph expected:\n${message}`);
    for (const p of patterns) assert.match(message, p);
    return;
  }
  assert.fail(`rendered without error: ${values}`);
}

const model = (fields: string) => `models:\n  - ${fields.trim().split('\n').join('\n    ')}\n`;

test('bad runtime: the key path, the allowed values and a did-you-mean', () => {
  rejects(model('name: qwen\nruntime: vlm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/key models\[0\]\.runtime/, /"vllm", "llamacpp", "ollama", "sglang"/, /did you mean "vllm"/]);
  rejects(model('name: qwen\nruntime: sglnag\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/did you mean "sglang"/]);
});

test('SGLang needs a GPU (CUDA image); tensor parallelism and keys of other runtimes are checked as for any runtime', () => {
  rejects(model('name: qwen\nruntime: sglang\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct\ngpus: 0'), [/key models\[0\]\.gpus/, /runs on SGLang, which needs a GPU: the lmsysorg\/sglang image is a CUDA build/, /llamacpp or ollama/]);
  rejects(model('name: qwen\nruntime: sglang\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct\ngpus: 2\ntensorParallelSize: 4'), [/models\[0\]\.tensorParallelSize/, /4 GPUs but gets 2 \(gpus\): SGLang needs one GPU per shard/]);
  rejects(model('name: tiny\nruntime: llamacpp\nstorageUri: s3://m/t.gguf\ntensorParallelSize: 2'), [/models\[0\]\.tensorParallelSize/, /tensorParallelSize is a setting of vLLM or SGLang; model "tiny" runs on llama.cpp/]);
  rejects(model('name: qwen\nruntime: sglang\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct\nmodelTag: "qwen3:4b"'), [/models\[0\]\.modelTag/, /modelTag is for Ollama models \(the tag Ollama pulls, e.g. qwen3:4b\); model "qwen" runs on SGLang/]);
  rejects(model('name: qwen\nruntime: sglang'), [/models\[0\]\.storageUri/, /\(runtime sglang\) needs storageUri/]);
});

test('bad name: not a DNS label', () => {
  rejects(model('name: Qwen_7B\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/key models\[0\]\.name/, /DNS label/]);
});

test('missing name or runtime: required', () => {
  rejects(model('runtime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/models\[0\]\.name \(from values file models.yaml\) is required/]);
  rejects(model('name: qwen\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/models\[0\]\.runtime \(from values file models.yaml\) is required/]);
});

test('bad storageUri: unsupported scheme, and an hf:// path KServe cannot download', () => {
  rejects(model('name: qwen\nruntime: vllm\nstorageUri: gs://bucket/qwen'), [/key models\[0\]\.storageUri/, /hf:\/\/<org>\/<repo>, s3:\/\/<bucket>\/<path> or pvc:\/\/<claim>\/<dir>/]);
  rejects(model('name: qwen\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct/tokenizer'), [/key models\[0\]\.storageUri/, /hf:\/\/<owner>\/<repo>\[:<revision>\]/]);
  rejects(model('name: qwen\nruntime: vllm'), [/key models\[0\]\.storageUri/, /needs storageUri/]);
});

test('duplicate model names', () => {
  const values = `models:
  - {name: qwen, runtime: vllm, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct"}
  - {name: qwen, runtime: llamacpp, storageUri: "s3://m/q.gguf"}
`;
  rejects(values, [/key models\[1\]\.name/, /already used by models\[0\]/]);
});

test('runtime-specific fields: Ollama needs a tag and no storageUri; llama.cpp needs one GGUF file', () => {
  rejects(model('name: small\nruntime: ollama'), [/models\[0\]\.modelTag/, /qwen3:4b/]);
  rejects(model('name: small\nruntime: ollama\nmodelTag: "qwen3:4b"\nstorageUri: s3://m/x'), [/models\[0\]\.storageUri/, /Ollama/]);
  rejects(model('name: tiny\nruntime: llamacpp\nstorageUri: hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF'), [/models\[0\]\.modelFile/, /whole Hugging Face repository/]);
  rejects(model('name: tiny\nruntime: llamacpp\nstorageUri: pvc://weights/tiny.gguf'), [/models\[0\]\.modelFile/, /directory/]);
});

test('replica and parallelism rules', () => {
  rejects(model('name: qwen\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct\ndeploymentMode: Standard\nminReplicas: 0'), [/models\[0\]\.minReplicas/, /cannot scale to zero/]);
  rejects(model('name: qwen\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct\ngpus: 2\ntensorParallelSize: 4'), [/models\[0\]\.tensorParallelSize/, /4 GPUs but gets 2/]);
});

test('inferencePool needs vLLM in Standard mode', () => {
  rejects(model('name: qwen\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct\ninferencePool: {enabled: true}'), [/models\[0\]\.inferencePool/, /deploymentMode Standard/, /activator/]);
  rejects(model('name: tiny\nruntime: llamacpp\nstorageUri: s3://m/t.gguf\ndeploymentMode: Standard\ninferencePool: {enabled: true}'), [/models\[0\]\.inferencePool/, /runtime vllm/]);
});

test('names KServe and Knative derive must fit 63 characters', () => {
  rejects(model('name: a-very-long-model-name-that-keeps-going\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/models\[0\]\.name/, /-predictor-00001-private/, /63/]);
});

test('a model on a disabled runtime', () => {
  rejects(model('name: qwen\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/models\[0\]\.runtime/, /runtimes\.vllm\.enabled is false/], undefined, ['runtimes.vllm.enabled=false']);
});

test('discovery: the lookup knows no such release -> install it first', () => {
  const none: ReleaseLookup = lookupOf([]);
  rejects('models: []\n', [/no infrastructure release "infra" in namespace "llm": install it first \(npx inferctl install infra \.\/charts\/inference-infrastructure -n llm\) or set infrastructureReleaseName/], none);
  rejects('models: []\n', [/no infrastructure release "platform" in namespace "shared"/, /-n shared/], none, ['infrastructureReleaseName=platform', 'infrastructureNamespace=shared']);
});

test('discovery: a release of another chart under that name', () => {
  const other: ReleaseLookup = lookupOf([{ release: 'infra', namespace: 'llm', chart: 'inference-stack', status: 'deployed', exports: {} }]);
  rejects('models: []\n', [/no infrastructure release "infra" in namespace "llm" \(the release of that name is of chart inference-stack, not inference-infrastructure\): install it first/], other);
});

test('discovery: Knative models need Knative in the infrastructure release; Standard ones do not', () => {
  const exports = renderInfra({ release: 'infra', namespace: 'llm', options: { values: ['networking-layer.kourier.enabled=false'] } }).result.exports;
  const record: ReleaseExports = { release: 'infra', namespace: 'llm', chart: 'inference-infrastructure', status: 'deployed', exports };
  const lookup: ReleaseLookup = lookupOf([record]);
  rejects(model('name: qwen\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct'), [/models\[0\]\.deploymentMode/, /without Knative\/Kourier/], lookup);
  const ok = renderStack(model('name: qwen\nruntime: vllm\nstorageUri: hf://Qwen/Qwen2.5-7B-Instruct\ndeploymentMode: Standard'), lookup);
  assert.ok(ok.objects.some((o) => o.object.kind === 'InferenceService'));
});

test('discovery is skipped when routing is off or fully overridden', () => {
  const none: ReleaseLookup = lookupOf([]);
  const off = renderStack('models: []\n', none, ['registrar.enabled=false']);
  assert.ok(!off.objects.some((o) => o.object.kind === 'Job'));
  const external = renderStack('models: []\n', none, ['infrastructure.litellmUrl=http://litellm.ext:4000', 'infrastructure.masterKeySecret=lk']);
  assert.ok(external.objects.some((o) => o.object.kind === 'Job'));
});

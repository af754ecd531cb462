import { s, type Infer } from '../../../schema/dsl.js';
import type { ModelValues } from '../values.js';
import type { ResolvedModel } from '../config.js';
import { stackImages } from '../images.js';
import { httpProbe, image, probe, resources } from '../schema-parts.js';
import { defineRuntime, MODEL_PORT, runtimeValues, type ModelFail } from './runtime.js';

const values = runtimeValues({
  enabled: 'ServingRuntime <release>-llamacpp (llama.cpp llama-server).',
  image: image(stackImages.llamacpp.repository, stackImages.llamacpp.tag, 'llama.cpp server (CPU)'),
  settings: {
    gpuTag: s.string({ description: 'Tag used instead for models with gpus > 0 (CUDA build).', default: stackImages.llamacpp.gpuTag }),
    contextSize: s.int({ description: 'LLAMA_ARG_CTX_SIZE: total context, shared by the parallel slots.', minimum: 0, default: 16384 }),
    parallel: s.int({ description: 'LLAMA_ARG_N_PARALLEL: concurrent request slots.', minimum: 1, default: 4 }),
  },
  resources: resources('Default container resources of llama.cpp models.', { requests: { cpu: '4', memory: '8Gi' }, limits: { memory: '16Gi' } }),
  startupProbe: probe('/health answers 503 while the model loads: 180 x 10 s = 30 minutes.', httpProbe('/health', 10, 180)),
  readinessProbe: probe('llama-server /health.', httpProbe('/health', 10, 3)),
  livenessProbe: probe('llama-server /health.', httpProbe('/health', 15, 5)),
});

/** The GGUF path llama-server opens: KServe puts a single-object download at /mnt/models/<file name>. */
export function ggufPath(m: ResolvedModel): string {
  const file = m.values.modelFile || m.values.storageUri.split('/').pop()!;
  return `/mnt/models/${file}`;
}

/** llama-server loads one file: a directory (hf://, pvc://) needs modelFile. */
function checkGguf(m: ModelValues, fail: ModelFail): void {
  if (m.modelFile) return;
  if (m.storageUri.startsWith('pvc://')) {
    fail('modelFile', `model "${m.name}": KServe mounts pvc:// paths as a directory (a subPath), so point storageUri at the directory and set modelFile to the GGUF file in it.`);
  }
  if (!/\.gguf$/i.test(m.storageUri) || m.storageUri.startsWith('hf://')) {
    const what = m.storageUri.startsWith('hf://') ? 'is a whole Hugging Face repository' : 'does not end in .gguf';
    fail('modelFile', `model "${m.name}": llama.cpp loads one GGUF file, and "${m.storageUri}" ${what}: set modelFile to the file inside it (e.g. qwen2.5-7b-instruct-q4_k_m.gguf).`);
  }
}

/** llama.cpp's llama-server, configured through LLAMA_ARG_* (the image's entrypoint is llama-server). */
export const llamacpp = defineRuntime<Infer<typeof values>>({
  name: 'llamacpp',
  title: 'llama.cpp',
  modelFormat: 'gguf',
  values,
  capabilities: { weights: 'storageUri', gpus: { default: 0 }, lora: true, metricsPath: '/metrics' },
  ownFields: { modelFile: 'the GGUF file llama.cpp loads' },
  volumes: [],
  server: (v) => ({
    env: {
      LLAMA_ARG_HOST: '0.0.0.0',
      LLAMA_ARG_PORT: String(MODEL_PORT),
      LLAMA_ARG_CTX_SIZE: String(v.contextSize),
      LLAMA_ARG_N_PARALLEL: String(v.parallel),
      LLAMA_ARG_ENDPOINT_METRICS: '1',
    },
  }),
  model(m, v) {
    const env = [
      { name: 'LLAMA_ARG_MODEL', value: ggufPath(m) },
      { name: 'LLAMA_ARG_ALIAS', value: m.servedModelName },
    ];
    // The CPU build cannot use a GPU: models with GPUs run the CUDA build and offload every layer.
    if (m.gpus > 0) env.push({ name: 'LLAMA_ARG_N_GPU_LAYERS', value: '999' });
    return { args: [], env, image: m.gpus > 0 ? `${v.image.repository}:${v.gpuTag}` : undefined };
  },
  // llama-server answers to its alias (servedModelName) on its OpenAI-compatible /v1 API.
  litellmModel: (m) => `openai/${m.servedModelName}`,
  validate: checkGguf,
});

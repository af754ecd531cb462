import { s, type Infer } from '../../../schema/dsl.js';
import { stackImages } from '../images.js';
import { httpProbe, image, probe, resources } from '../schema-parts.js';
import { defineRuntime, MODEL_PORT, runtimeValues } from './runtime.js';

const values = runtimeValues({
  enabled: 'ServingRuntime <release>-vllm (vLLM OpenAI server).',
  image: image(stackImages.vllm.repository, stackImages.vllm.tag, 'vLLM'),
  settings: {
    args: s.array(s.string(), { description: 'Arguments for every vLLM model.', default: ['--gpu-memory-utilization=0.90'] }),
  },
  resources: resources('Default container resources of vLLM models.', { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '32Gi' } }),
  startupProbe: probe('Model download and load budget: 30 s + 62 x 30 s = 31.5 minutes.', httpProbe('/health', 30, 62, 10, 30)),
  readinessProbe: probe('vLLM /health answers once the engine runs.', httpProbe('/health', 10, 3)),
  livenessProbe: probe('vLLM /health; restarts only after 5 misses (a restart reloads the model).', httpProbe('/health', 15, 5)),
});

/** vLLM's OpenAI server with KServe's own vLLM runtime command (config/runtimes/kserve-vllmserver.yaml). */
export const vllm = defineRuntime<Infer<typeof values>>({
  name: 'vllm',
  title: 'vLLM',
  modelFormat: 'vLLM',
  values,
  capabilities: {
    weights: 'storageUri',
    gpus: { default: 1 },
    tensorParallelFlag: '--tensor-parallel-size',
    lora: true,
    // The endpoint picker's default engine: its pods need no engine-type label.
    inferencePool: { engineType: 'vllm' },
    metricsPath: '/metrics',
  },
  ownFields: {},
  // KServe swaps vllm/vllm-openai for vllm/vllm-openai-cpu when a model requests no GPU, keyed on this annotation.
  annotations: { 'serving.kserve.io/server-type': 'vllmserver' },
  // Tensor-parallel workers exchange tensors through shared memory; the container default is 64 MiB.
  volumes: [{ name: 'devshm', mountPath: '/dev/shm', source: { emptyDir: { medium: 'Memory' } } }],
  server: (v) => ({
    command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
    args: [`--port=${MODEL_PORT}`, '--model=/mnt/models', ...v.args],
    env: {
      HOME: '/tmp',
      HF_HOME: '/tmp/hf',
      VLLM_CONFIG_ROOT: '/tmp/vllm',
      VLLM_CACHE_ROOT: '/tmp/vllm-cache',
      VLLM_WORKER_MULTIPROC_METHOD: 'spawn',
      // KServe's storage initializer already put the weights in /mnt/models.
      HF_HUB_OFFLINE: '1',
      VLLM_NO_USAGE_STATS: '1',
      DO_NOT_TRACK: '1',
    },
  }),
  model: (m) => ({ args: [`--served-model-name=${m.servedModelName}`], env: [] }),
  // LiteLLM's hosted_vllm provider speaks vLLM's OpenAI API without requiring a real API key.
  litellmModel: (m) => `hosted_vllm/${m.servedModelName}`,
});

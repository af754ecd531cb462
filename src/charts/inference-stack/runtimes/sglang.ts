import { s, type Infer } from '../../../schema/dsl.js';
import { stackImages } from '../images.js';
import { httpProbe, image, probe, resources } from '../schema-parts.js';
import { defineRuntime, MODEL_PORT, runtimeValues } from './runtime.js';

// /health and /health_generate answer 503 until the server is up; once up, /health_generate runs a
// one-token generation and waits up to SGLANG_HEALTH_CHECK_TIMEOUT (20 s) for the engine, and /health
// does the same unless SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION=false (python/sglang/srt/entrypoints/
// http_server.py). Probes therefore time out after 25 s, not the usual 5.
const values = runtimeValues({
  enabled: 'ServingRuntime <release>-sglang (SGLang OpenAI-compatible server).',
  image: image(stackImages.sglang.repository, stackImages.sglang.tag, 'SGLang'),
  settings: {
    args: s.array(s.string(), { description: 'Arguments for every SGLang model (e.g. --mem-fraction-static=0.85, --context-length=32768).', default: [] }),
  },
  resources: resources('Default container resources of SGLang models.', { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '32Gi' } }),
  startupProbe: probe('/health answers 503 until the weights are loaded and warmed up: 30 s + 62 x 30 s = 31.5 minutes.', httpProbe('/health', 30, 62, 25, 30)),
  readinessProbe: probe('/health_generate: the engine generates one token (or is already generating).', httpProbe('/health_generate', 30, 3, 25)),
  livenessProbe: probe('SGLang /health; restarts only after 5 misses (a restart reloads the model).', httpProbe('/health', 30, 5, 25)),
});

/** SGLang's OpenAI-compatible server (python3 -m sglang.launch_server), as llm-d-router v0.10.0 deploys it. */
export const sglang = defineRuntime<Infer<typeof values>>({
  name: 'sglang',
  title: 'SGLang',
  // KServe v0.20.0 ships no SGLang ServingRuntime; this name only has to match between the namespaced
  // ServingRuntime and the InferenceServices, which name each other.
  modelFormat: 'sglang',
  values,
  capabilities: {
    weights: 'storageUri',
    gpus: { default: 1, required: 'the lmsysorg/sglang image is a CUDA build (the CPU backend ships as a separate Xeon image)' },
    tensorParallelFlag: '--tp-size',
    lora: true,
    // llm-d-router v0.10.0 maps sglang:num_queue_reqs and sglang:token_usage for pods labelled sglang.
    inferencePool: { engineType: 'sglang' },
    metricsPath: '/metrics',
  },
  ownFields: {},
  // Tensor-parallel ranks exchange tensors through shared memory; the container default is 64 MiB.
  volumes: [{ name: 'devshm', mountPath: '/dev/shm', source: { emptyDir: { medium: 'Memory' } } }],
  server: (v) => ({
    command: ['python3', '-m', 'sglang.launch_server'],
    // --enable-metrics serves Prometheus metrics on /metrics of the same port.
    args: ['--model-path=/mnt/models', '--host=0.0.0.0', `--port=${MODEL_PORT}`, '--enable-metrics', ...v.args],
    env: {
      // The image is built for root; as uid 1000 every JIT and download cache must go to a writable HOME.
      HOME: '/tmp',
      HF_HOME: '/tmp/hf',
      // KServe's storage initializer already put the weights in /mnt/models.
      HF_HUB_OFFLINE: '1',
    },
  }),
  model: (m) => ({ args: [`--served-model-name=${m.servedModelName}`], env: [] }),
  // LiteLLM has no SGLang provider: its OpenAI-compatible route with api_base reaches SGLang's /v1.
  litellmModel: (m) => `openai/${m.servedModelName}`,
});

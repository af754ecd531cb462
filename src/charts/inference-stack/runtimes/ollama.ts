import { s, type Infer } from '../../../schema/dsl.js';
import { stackImages } from '../images.js';
import { httpProbe, image, probe, resources } from '../schema-parts.js';
import { OLLAMA_START_SH } from '../scripts.js';
import { defineRuntime, runtimeValues } from './runtime.js';

const values = runtimeValues({
  enabled: 'ServingRuntime <release>-ollama (Ollama; pulls modelTag before it listens).',
  image: image(stackImages.ollama.repository, stackImages.ollama.tag, 'Ollama'),
  settings: {
    numParallel: s.int({ description: 'OLLAMA_NUM_PARALLEL.', minimum: 1, default: 4 }),
    contextLength: s.int({ description: 'OLLAMA_CONTEXT_LENGTH.', minimum: 512, default: 8192 }),
  },
  resources: resources('Default container resources of Ollama models.', { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '16Gi' } }),
  startupProbe: probe('The port opens after the pull: 120 x 15 s = 30 minutes.', httpProbe('/', 15, 120)),
  readinessProbe: probe('Ollama answers "Ollama is running" on /.', httpProbe('/', 10, 3)),
  livenessProbe: probe('Ollama /.', httpProbe('/', 15, 5)),
});

/** Ollama: pulls modelTag on a loopback port, then serves on the model port (scripts.ts OLLAMA_START_SH). */
export const ollama = defineRuntime<Infer<typeof values>>({
  name: 'ollama',
  title: 'Ollama',
  modelFormat: 'ollama',
  values,
  // Ollama exports no Prometheus metrics.
  capabilities: { weights: 'modelTag', gpus: { default: 0 }, lora: false },
  ownFields: { modelTag: 'the tag Ollama pulls, e.g. qwen3:4b' },
  volumes: [{ name: 'ollama-home', mountPath: '/var/lib/ollama', source: { emptyDir: {} } }],
  server: (v) => ({
    command: ['/bin/sh', '-c', OLLAMA_START_SH],
    env: {
      HOME: '/var/lib/ollama',
      OLLAMA_MODELS: '/var/lib/ollama/models',
      // Keep the model in memory: Knative scales idle replicas away, not Ollama.
      OLLAMA_KEEP_ALIVE: '-1',
      OLLAMA_NUM_PARALLEL: String(v.numParallel),
      OLLAMA_CONTEXT_LENGTH: String(v.contextLength),
    },
  }),
  model: (m) => ({ args: [], env: [{ name: 'OLLAMA_MODEL', value: m.values.modelTag }] }),
  // Ollama's OpenAI-compatible /v1 API answers to the tag it pulled.
  litellmModel: (m) => `openai/${m.values.modelTag}`,
  validate(m, fail) {
    if (!m.modelTag) fail('modelTag', `model "${m.name}" runs on Ollama, which pulls its model by tag: set modelTag (e.g. qwen3:4b).`);
    if (m.storageUri) fail('storageUri', `model "${m.name}" runs on Ollama, which pulls modelTag itself and cannot load a KServe storageUri: remove storageUri (or use runtime llamacpp for a GGUF file).`);
  },
});

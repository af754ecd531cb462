import { s, type Infer } from '../../schema/dsl.js';
import { images } from '../images.js';
import { stackImages } from './images.js';

/**
 * The single source of truth for the inference-stack values. Model entries are documented here and
 * in charts/inference-stack/README.md (values.yaml shows only `models: []`).
 */

const DNS_LABEL = { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', patternHint: 'use lowercase letters, digits and "-", starting and ending with a letter or digit (a DNS label)' };
const pullPolicy = () => s.string({ enum: ['IfNotPresent', 'Always', 'Never'], default: 'IfNotPresent', description: 'Image pull policy.' });
const image = (repository: string, tag: string, what: string) =>
  s.object({
    repository: s.string({ default: repository, description: `${what} image repository.` }),
    tag: s.string({ default: tag, description: `${what} image tag (pinned; see src/charts/inference-stack/images.ts for the evidence).` }),
    pullPolicy: pullPolicy(),
  });
const resources = (description: string, def: Record<string, unknown>) => s.any({ shape: 'object', description, default: def });
const probe = (description: string, def: Record<string, unknown>) => s.any({ shape: 'object', description, default: def });
const httpProbe = (path: string, periodSeconds: number, failureThreshold: number, timeoutSeconds = 5, initialDelaySeconds = 0) => ({
  httpGet: { path, port: 8080 },
  ...(initialDelaySeconds ? { initialDelaySeconds } : {}),
  periodSeconds,
  timeoutSeconds,
  failureThreshold,
});

const model = s.object({
  name: s.string({ description: 'Model name (DNS label). The InferenceService is <release>-<name>.', ...DNS_LABEL }),
  runtime: s.string({ description: 'Serving runtime.', enum: ['vllm', 'llamacpp', 'ollama'] }),
  storageUri: s.string({
    description: 'Where KServe fetches the weights (hf://org/repo, s3://bucket/path, pvc://claim/dir). Required for vllm and llamacpp; Ollama pulls modelTag itself.',
    default: '',
    pattern: '^(hf|s3|pvc)://[^\\s/][^\\s]*$',
    patternHint: 'use hf://<org>/<repo>, s3://<bucket>/<path> or pvc://<claim>/<dir>',
  }),
  modelTag: s.string({ description: 'Ollama model tag pulled at start (e.g. qwen3:4b); Ollama only.', default: '', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$', patternHint: 'use an Ollama tag such as qwen3:4b' }),
  modelFile: s.string({ description: 'llama.cpp: the GGUF file inside the model directory; empty: the file name of a storageUri ending in .gguf.', default: '', pattern: '^[^/\\s][^\\s]*\\.gguf$', patternHint: 'use a relative path ending in .gguf' }),
  servedModelName: s.string({ description: 'The model name clients send to LiteLLM; empty: name.', default: '' }),
  deploymentMode: s.string({ description: 'Knative: scale to zero behind Kourier; Standard: KServe raw Deployment (needed for inferencePool).', enum: ['Knative', 'Standard'], default: 'Knative' }),
  gpus: s.int({ description: 'nvidia.com/gpu per replica; -1: 1 for vllm, 0 for llamacpp and ollama. A GPU toleration is added when > 0.', minimum: -1, default: -1 }),
  tensorParallelSize: s.int({ description: 'vLLM --tensor-parallel-size; 0: the number of GPUs.', minimum: 0, default: 0 }),
  minReplicas: s.int({ description: 'Minimum replicas; -1: 0 for Knative (scale to zero), 1 for Standard.', minimum: -1, default: -1 }),
  maxReplicas: s.int({ description: 'Maximum replicas.', minimum: 1, default: 1 }),
  concurrencyTarget: s.int({ description: 'Knative: in-flight requests per replica before another replica starts.', minimum: 1, default: 16 }),
  timeoutSeconds: s.int({ description: 'Knative: longest request, streamed completions included (Knative\'s default max-revision-timeout-seconds is 600).', minimum: 1, maximum: 600, default: 600 }),
  args: s.array(s.string(), { description: 'Extra model-server arguments.', default: [] }),
  env: s.any({ shape: 'array', description: 'Extra container env entries (Kubernetes EnvVar objects).', default: [] }),
  resources: resources('Merged over the runtime resources (GPUs come from gpus).', {}),
  nodeSelector: s.map(s.string(), { description: 'Node labels the model must run on.', default: {} }),
  tolerations: s.any({ shape: 'array', description: 'Tolerations (the nvidia.com/gpu toleration is added when gpus > 0).', default: [] }),
  serviceAccountName: s.string({ description: 'ServiceAccount whose Secrets hold S3 or Hugging Face credentials for KServe\'s storage initializer.', default: '' }),
  inferencePool: s.object({
    enabled: s.bool({ description: 'Render a GIE InferencePool and its endpoint picker (vllm, Standard mode only).', default: false }),
  }),
});

export const stackValues = s.object({
  global: s.object({
    imagePullSecrets: s.array(s.string(), { description: 'Secrets used to pull every image of the release.', default: [] }),
  }),
  infrastructureReleaseName: s.string({ description: 'Name of the inference-infrastructure release whose LiteLLM routes to these models.', default: 'infra', ...DNS_LABEL }),
  infrastructureNamespace: s.string({ description: 'Namespace of that release; empty: this release\'s namespace.', default: '', ...DNS_LABEL }),
  infrastructure: s.object({
    litellmUrl: s.string({ description: 'Override the LiteLLM URL found from the infrastructure release (GitOps, external LiteLLM).', default: '', pattern: '^https?://\\S+$', patternHint: 'use http://host:port' }),
    masterKeySecret: s.string({ description: 'Override the Secret (in infrastructureNamespace) holding the LiteLLM master key.', default: '', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', patternHint: 'use a Secret name: lowercase letters, digits, "-" and "."' }),
    masterKeySecretKey: s.string({ description: 'Override the key of the master key in that Secret.', default: '', pattern: '^[-._a-zA-Z0-9]+$', patternHint: 'use a Secret key: letters, digits, "-", "_" and "."' }),
  }),

  runtimes: s.object({
    vllm: s.object({
      enabled: s.bool({ description: 'ServingRuntime <release>-vllm (vLLM OpenAI server).', default: true }),
      image: image(stackImages.vllm.repository, stackImages.vllm.tag, 'vLLM'),
      args: s.array(s.string(), { description: 'Arguments for every vLLM model.', default: ['--gpu-memory-utilization=0.90'] }),
      resources: resources('Default container resources of vLLM models.', { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '32Gi' } }),
      startupProbe: probe('Model download and load budget: 30 s + 62 x 30 s = 31.5 minutes.', httpProbe('/health', 30, 62, 10, 30)),
      readinessProbe: probe('vLLM /health answers once the engine runs.', httpProbe('/health', 10, 3)),
      livenessProbe: probe('vLLM /health; restarts only after 5 misses (a restart reloads the model).', httpProbe('/health', 15, 5)),
    }),
    llamacpp: s.object({
      enabled: s.bool({ description: 'ServingRuntime <release>-llamacpp (llama.cpp llama-server).', default: true }),
      image: image(stackImages.llamacpp.repository, stackImages.llamacpp.tag, 'llama.cpp server (CPU)'),
      gpuTag: s.string({ description: 'Tag used instead for models with gpus > 0 (CUDA build).', default: stackImages.llamacpp.gpuTag }),
      contextSize: s.int({ description: 'LLAMA_ARG_CTX_SIZE: total context, shared by the parallel slots.', minimum: 0, default: 16384 }),
      parallel: s.int({ description: 'LLAMA_ARG_N_PARALLEL: concurrent request slots.', minimum: 1, default: 4 }),
      resources: resources('Default container resources of llama.cpp models.', { requests: { cpu: '4', memory: '8Gi' }, limits: { memory: '16Gi' } }),
      startupProbe: probe('/health answers 503 while the model loads: 180 x 10 s = 30 minutes.', httpProbe('/health', 10, 180)),
      readinessProbe: probe('llama-server /health.', httpProbe('/health', 10, 3)),
      livenessProbe: probe('llama-server /health.', httpProbe('/health', 15, 5)),
    }),
    ollama: s.object({
      enabled: s.bool({ description: 'ServingRuntime <release>-ollama (Ollama; pulls modelTag before it listens).', default: true }),
      image: image(stackImages.ollama.repository, stackImages.ollama.tag, 'Ollama'),
      numParallel: s.int({ description: 'OLLAMA_NUM_PARALLEL.', minimum: 1, default: 4 }),
      contextLength: s.int({ description: 'OLLAMA_CONTEXT_LENGTH.', minimum: 512, default: 8192 }),
      resources: resources('Default container resources of Ollama models.', { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '16Gi' } }),
      startupProbe: probe('The port opens after the pull: 120 x 15 s = 30 minutes.', httpProbe('/', 15, 120)),
      readinessProbe: probe('Ollama answers "Ollama is running" on /.', httpProbe('/', 10, 3)),
      livenessProbe: probe('Ollama /.', httpProbe('/', 15, 5)),
    }),
  }),

  models: s.array(model, {
    description: 'Models to serve: {name, runtime, storageUri | modelTag, ...}; see the chart README for every field.',
    default: [],
  }),

  endpointPicker: s.object({
    image: image(stackImages.endpointPicker.repository, stackImages.endpointPicker.tag, 'llm-d-router endpoint picker'),
    replicas: s.int({ description: 'Picker replicas per pool; > 1 adds --ha-enable-leader-election.', minimum: 1, default: 1 }),
    resources: resources('Picker container resources.', { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } }),
  }),

  registrar: s.object({
    enabled: s.bool({ description: 'Keep LiteLLM\'s routes to these models in sync (a Job in the infrastructure namespace).', default: true }),
    image: image(images.litellm.repository, images.litellm.tag, 'Registrar (any image with python3)'),
    timeoutSeconds: s.int({ description: 'How long the Job waits for LiteLLM to answer.', minimum: 60, default: 1800 }),
    resources: resources('Registrar container resources.', { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } }),
  }),
});

export type StackValues = Infer<typeof stackValues>;
export type ModelValues = StackValues['models'][number];
export type RuntimeName = 'vllm' | 'llamacpp' | 'ollama';

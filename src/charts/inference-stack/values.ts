import { s, type Infer } from '../../schema/dsl.js';
import { images } from '../images.js';
import { stackImages } from './images.js';
import { RUNTIMES, runtimeList } from './runtimes/index.js';
import type { RuntimeValues } from './runtimes/runtime.js';
import { image, resources } from './schema-parts.js';
import { monitoringValues } from '../../monitoring/values.js';

/**
 * The single source of truth for the inference-stack values. Model entries are documented here and
 * in charts/inference-stack/README.md (values.yaml shows only `models: []`). What depends on the
 * runtimes (their names, their `runtimes.<name>` settings, who reads which model key) is assembled
 * from the runtime registry, so a new runtime changes no line here.
 */

/** "Ollama": who reads a model key only some runtimes use. */
function ownerTitles(field: 'modelTag' | 'modelFile'): string {
  return runtimeList((r) => field in r.ownFields, 'title');
}

/** "1 for vllm, 0 for llamacpp and ollama": the GPUs a model gets when it says gpus: -1. */
function gpuDefaults(): string {
  const counts = [...new Set(RUNTIMES.map((r) => r.capabilities.gpus.default))].sort((a, b) => b - a);
  return counts.map((n) => `${n} for ${runtimeList((r) => r.capabilities.gpus.default === n, 'name', 'and')}`).join(', ');
}

/** "vLLM --tensor-parallel-size": how each runtime that can shard a model is told to. */
function tensorParallelFlags(): string {
  return RUNTIMES.filter((r) => r.capabilities.tensorParallelFlag).map((r) => `${r.title} ${r.capabilities.tensorParallelFlag}`).join(', ');
}

const DNS_LABEL = { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', patternHint: 'use lowercase letters, digits and "-", starting and ending with a letter or digit (a DNS label)' };
const model = s.object({
  name: s.string({ description: 'Model name (DNS label). The InferenceService is <release>-<name>.', ...DNS_LABEL }),
  runtime: s.string({ description: 'Serving runtime.', enum: RUNTIMES.map((r) => r.name) }),
  storageUri: s.string({
    description: `Where KServe fetches the weights (hf://org/repo, s3://bucket/path, pvc://claim/dir). Required for ${runtimeList((r) => r.capabilities.weights === 'storageUri', 'name', 'and')}; ${runtimeList((r) => r.capabilities.weights === 'modelTag', 'title', 'and')} pulls modelTag itself.`,
    default: '',
    pattern: '^(hf|s3|pvc)://[^\\s/][^\\s]*$',
    patternHint: 'use hf://<org>/<repo>, s3://<bucket>/<path> or pvc://<claim>/<dir>',
  }),
  modelTag: s.string({ description: `${ownerTitles('modelTag')} model tag pulled at start (e.g. qwen3:4b); ${ownerTitles('modelTag')} only.`, default: '', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$', patternHint: 'use an Ollama tag such as qwen3:4b' }),
  modelFile: s.string({ description: `${ownerTitles('modelFile')}: the GGUF file inside the model directory; empty: the file name of a storageUri ending in .gguf.`, default: '', pattern: '^[^/\\s][^\\s]*\\.gguf$', patternHint: 'use a relative path ending in .gguf' }),
  servedModelName: s.string({ description: 'The model name clients send to LiteLLM; empty: name.', default: '' }),
  deploymentMode: s.string({ description: 'Knative: scale to zero behind Kourier; Standard: KServe raw Deployment (where inferencePool applies).', enum: ['Knative', 'Standard'], default: 'Knative' }),
  gpus: s.int({ description: `nvidia.com/gpu per replica; -1: ${gpuDefaults()}. A GPU toleration is added when > 0.`, minimum: -1, default: -1 }),
  tensorParallelSize: s.int({ description: `${tensorParallelFlags()}; 0: the number of GPUs.`, minimum: 0, default: 0 }),
  minReplicas: s.int({ description: 'Minimum replicas; -1: 0 for Knative (scale to zero), 1 for Standard.', minimum: -1, default: -1 }),
  maxReplicas: s.int({ description: 'Maximum replicas.', minimum: 1, default: 1 }),
  concurrencyTarget: s.int({ description: 'Knative: in-flight requests per replica before another replica starts.', minimum: 1, default: 16 }),
  timeoutSeconds: s.int({ description: 'Longest request, streamed completions included: Knative\'s revision timeout (its default max-revision-timeout-seconds is 600), or the model gateway route\'s request timeout for a model with an InferencePool.', minimum: 1, maximum: 600, default: 600 }),
  args: s.array(s.string(), { description: 'Extra model-server arguments.', default: [] }),
  env: s.any({ shape: 'array', description: 'Extra container env entries (Kubernetes EnvVar objects).', default: [] }),
  resources: resources('Merged over the runtime resources (GPUs come from gpus).', {}),
  nodeSelector: s.map(s.string(), { description: 'Node labels the model must run on.', default: {} }),
  tolerations: s.any({ shape: 'array', description: 'Tolerations (the nvidia.com/gpu toleration is added when gpus > 0).', default: [] }),
  serviceAccountName: s.string({ description: 'ServiceAccount whose Secrets hold S3 or Hugging Face credentials for KServe\'s storage initializer.', default: '' }),
  inferencePool: s.object({
    enabled: s.bool({
      description: `Cache-aware routing: a GIE InferencePool over the model's pods, its endpoint picker and an HTTPRoute to the pool on the infrastructure's internal model gateway, which LiteLLM calls instead of the predictor Service. Applies to ${runtimeList((r) => !!r.capabilities.inferencePool)} models in Standard mode (ignored by default elsewhere; an error when set true there). Needs Envoy AI Gateway in the operators layer. false: LiteLLM calls the predictor Service (round robin).`,
      default: true,
    }),
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

  // Typed as the shape every runtime shares (StackValues below); each runtime reads its own settings.
  runtimes: s.object(Object.fromEntries(RUNTIMES.map((r) => [r.name, r.values])) as Record<string, never>),

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

  monitoring: monitoringValues(`Scrape the model servers (${runtimeList((r) => !!r.capabilities.metricsPath, 'title', 'and')}; ${runtimeList((r) => !r.capabilities.metricsPath, 'title', 'and')} exports no metrics) and the endpoint pickers, and render the models Grafana dashboard and the alert rules.`, {
    grafanaFolder: s.string({ description: 'Grafana folder of the models dashboard: the value of its grafana_folder annotation.', default: 'LLM Platform' }),
    requestsWaitingThreshold: s.int({ description: 'Alert ModelRequestsWaiting fires when a replica has more requests waiting than this for 5 minutes.', minimum: 1, default: 10 }),
  }),
});

export type StackValues = Omit<Infer<typeof stackValues>, 'runtimes'> & { runtimes: Record<string, RuntimeValues> };
export type ModelValues = StackValues['models'][number];

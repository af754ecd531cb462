import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import { MODEL_PORT, type StackConfig } from '../config.js';
import { OLLAMA_START_SH } from '../scripts.js';
import type { RuntimeName } from '../values.js';

/** The modelFormat each runtime declares; InferenceServices name it together with the runtime. */
export const MODEL_FORMATS: Record<RuntimeName, string> = { vllm: 'vLLM', llamacpp: 'gguf', ollama: 'ollama' };
export const MODEL_UID = 1000;
const SOURCE = 'inference-stack/runtimes';

/** Where the operators chart runs KServe (crds.md 4.5). */
export const KSERVE_CONTROLLER = { namespace: 'kserve', name: 'kserve-controller-manager' };

export const runtimesGroup = defineGroup<StackConfig>({
  name: 'runtimes',
  description: 'ServingRuntimes <release>-vllm|llamacpp|ollama',
  gates: [
    { kind: 'crd-established', name: 'servingruntimes.serving.kserve.io', why: 'ServingRuntimes need the KServe CRDs' },
    { kind: 'deployment-available', ...KSERVE_CONTROLLER, why: "KServe's validating webhook (failurePolicy Fail) must answer before runtimes and InferenceServices are admitted" },
  ],
});

/**
 * Model containers run as a non-root user without privileges; every runtime keeps its writable
 * state in HOME or an emptyDir, so nothing needs root.
 */
const containerSecurity = {
  runAsNonRoot: true,
  runAsUser: MODEL_UID,
  runAsGroup: MODEL_UID,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * One namespaced ServingRuntime per runtime and release (<release>-vllm...): ClusterServingRuntimes
 * are cluster-scoped and would collide between stack releases. autoSelect is off so the runtimes
 * never capture InferenceServices that other tools create in the namespace; ours name theirs.
 */
function renderRuntimes(config: StackConfig): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const runtime of ['vllm', 'llamacpp', 'ollama'] as const) {
    if (!config.values.runtimes[runtime].enabled) continue;
    out.push({ object: servingRuntime(config, runtime), group: runtimesGroup, source: SOURCE });
  }
  return out;
}

function servingRuntime(config: StackConfig, runtime: RuntimeName): K8sObject {
  const { release, namespace, chart, values } = config;
  const rt = values.runtimes[runtime];
  const container: Record<string, unknown> = {
    name: 'kserve-container',
    image: `${rt.image.repository}:${rt.image.tag}`,
    imagePullPolicy: rt.image.pullPolicy,
    ...runtimeProcess(config, runtime),
    ports: [{ containerPort: MODEL_PORT, protocol: 'TCP' }],
    resources: rt.resources,
    startupProbe: rt.startupProbe,
    readinessProbe: rt.readinessProbe,
    livenessProbe: rt.livenessProbe,
    securityContext: containerSecurity,
  };
  const spec: Record<string, unknown> = {
    supportedModelFormats: [{ name: MODEL_FORMATS[runtime], version: '1', autoSelect: false }],
    containers: [container],
  };
  if (runtime === 'vllm') {
    // Tensor-parallel workers exchange tensors through shared memory; the container default is 64 MiB.
    container.volumeMounts = [{ name: 'devshm', mountPath: '/dev/shm' }];
    spec.volumes = [{ name: 'devshm', emptyDir: { medium: 'Memory' } }];
  }
  if (runtime === 'ollama') {
    container.volumeMounts = [{ name: 'ollama-home', mountPath: '/var/lib/ollama' }];
    spec.volumes = [{ name: 'ollama-home', emptyDir: {} }];
  }
  if (runtime !== 'ollama') spec.annotations = { 'prometheus.kserve.io/port': String(MODEL_PORT), 'prometheus.kserve.io/path': '/metrics' };
  if (values.global.imagePullSecrets.length) spec.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));
  const metadata: K8sObject['metadata'] = {
    name: config.runtimeNames[runtime],
    namespace,
    labels: commonLabels('serving-runtime', release, chart, runtime, rt.image.tag),
  };
  // KServe swaps vllm/vllm-openai for vllm/vllm-openai-cpu when a model requests no GPU, keyed on this annotation.
  if (runtime === 'vllm') metadata.annotations = { 'serving.kserve.io/server-type': 'vllmserver' };
  return { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata, spec };
}

/** Command, arguments and environment shared by every model of the runtime; models add their own. */
function runtimeProcess(config: StackConfig, runtime: RuntimeName): Record<string, unknown> {
  const env = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));
  if (runtime === 'vllm') {
    return {
      command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
      args: [`--port=${MODEL_PORT}`, '--model=/mnt/models', ...config.values.runtimes.vllm.args],
      env: env({
        HOME: '/tmp',
        HF_HOME: '/tmp/hf',
        VLLM_CONFIG_ROOT: '/tmp/vllm',
        VLLM_CACHE_ROOT: '/tmp/vllm-cache',
        VLLM_WORKER_MULTIPROC_METHOD: 'spawn',
        // KServe's storage initializer already put the weights in /mnt/models.
        HF_HUB_OFFLINE: '1',
        VLLM_NO_USAGE_STATS: '1',
        DO_NOT_TRACK: '1',
      }),
    };
  }
  if (runtime === 'llamacpp') {
    const l = config.values.runtimes.llamacpp;
    return {
      // The image's entrypoint is llama-server; it reads LLAMA_ARG_* like the matching flags.
      env: env({
        LLAMA_ARG_HOST: '0.0.0.0',
        LLAMA_ARG_PORT: String(MODEL_PORT),
        LLAMA_ARG_CTX_SIZE: String(l.contextSize),
        LLAMA_ARG_N_PARALLEL: String(l.parallel),
        LLAMA_ARG_ENDPOINT_METRICS: '1',
      }),
    };
  }
  const o = config.values.runtimes.ollama;
  return {
    command: ['/bin/sh', '-c', OLLAMA_START_SH],
    env: env({
      HOME: '/var/lib/ollama',
      OLLAMA_MODELS: '/var/lib/ollama/models',
      // Keep the model in memory: Knative scales idle replicas away, not Ollama.
      OLLAMA_KEEP_ALIVE: '-1',
      OLLAMA_NUM_PARALLEL: String(o.numParallel),
      OLLAMA_CONTEXT_LENGTH: String(o.contextLength),
    }),
  };
}

export const runtimes: Component<StackConfig> = { groups: [runtimesGroup], render: renderRuntimes };

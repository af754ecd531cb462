import type { K8sObject } from '../../../core/object.js';
import { isPlainObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import { ggufPath, type ResolvedModel, type StackConfig } from '../config.js';
import { MODEL_FORMATS, runtimesGroup } from './runtimes.js';

export const GPU_RESOURCE = 'nvidia.com/gpu';
const GPU_TOLERATION = { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' };

export const modelsGroup = defineGroup<StackConfig>({
  name: 'models',
  description: 'InferenceServices, after their runtimes exist (the webhook rejects unknown runtimes); Ready when the model loaded and the route answers',
  after: [runtimesGroup],
  gates: (config) =>
    config.models.some((m) => m.knative) ? [{ kind: 'crd-established', name: 'services.serving.knative.dev', why: 'Knative-mode models become Knative Services' }] : [],
});

/** requests/limits of the runtime with the model's on top, then the GPUs. */
function mergedResources(base: unknown, extra: unknown, gpus: number): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const src of [base, extra]) {
    if (!isPlainObject(src)) continue;
    for (const [section, entries] of Object.entries(src)) {
      out[section] = { ...(out[section] ?? {}), ...(isPlainObject(entries) ? entries : {}) };
    }
  }
  if (gpus > 0) {
    // Extended resources may not be overcommitted: requests and limits are equal.
    out.requests = { ...(out.requests ?? {}), [GPU_RESOURCE]: String(gpus) };
    out.limits = { ...(out.limits ?? {}), [GPU_RESOURCE]: String(gpus) };
  }
  return out;
}

/** Per-model process settings: what the runtime cannot know (served name, parallelism, file). */
function modelProcess(config: StackConfig, m: ResolvedModel): { args: string[]; env: Record<string, unknown>[]; image?: string } {
  const userEnv = Array.isArray(m.values.env) ? (m.values.env as Record<string, unknown>[]) : [];
  if (m.runtime === 'vllm') {
    const args = [`--served-model-name=${m.servedModelName}`];
    if (m.gpus > 0) args.push(`--tensor-parallel-size=${m.tensorParallelSize}`);
    return { args: [...args, ...m.values.args], env: userEnv };
  }
  if (m.runtime === 'llamacpp') {
    const l = config.values.runtimes.llamacpp;
    const env: Record<string, unknown>[] = [
      { name: 'LLAMA_ARG_MODEL', value: ggufPath(m) },
      { name: 'LLAMA_ARG_ALIAS', value: m.servedModelName },
    ];
    // The CPU build cannot use a GPU: models with GPUs run the CUDA build and offload every layer.
    if (m.gpus > 0) env.push({ name: 'LLAMA_ARG_N_GPU_LAYERS', value: '999' });
    return { args: m.values.args, env: [...env, ...userEnv], image: m.gpus > 0 ? `${l.image.repository}:${l.gpuTag}` : undefined };
  }
  return { args: m.values.args, env: [{ name: 'OLLAMA_MODEL', value: m.values.modelTag }, ...userEnv] };
}

function annotations(m: ResolvedModel): Record<string, string> {
  const out: Record<string, string> = { 'serving.kserve.io/deploymentMode': m.values.deploymentMode };
  if (m.knative) {
    Object.assign(out, {
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'concurrency',
      'autoscaling.knative.dev/target': String(m.values.concurrencyTarget),
      'autoscaling.knative.dev/min-scale': String(m.minReplicas),
      'autoscaling.knative.dev/max-scale': String(m.values.maxReplicas),
    });
  } else {
    // CPU-based HPA says nothing about a GPU model server's load: a fixed size unless a range is asked for.
    out['serving.kserve.io/autoscalerClass'] = m.minReplicas === m.values.maxReplicas ? 'none' : 'hpa';
  }
  return out;
}

function inferenceService(config: StackConfig, m: ResolvedModel): K8sObject {
  const { release, namespace, chart, values } = config;
  const rt = values.runtimes[m.runtime];
  const proc = modelProcess(config, m);
  const model: Record<string, unknown> = {
    modelFormat: { name: MODEL_FORMATS[m.runtime] },
    runtime: config.runtimeNames[m.runtime],
  };
  if (m.values.storageUri) model.storageUri = m.values.storageUri;
  if (proc.image) model.image = proc.image;
  if (proc.args.length) model.args = proc.args;
  if (proc.env.length) model.env = proc.env;
  model.resources = mergedResources(rt.resources, m.values.resources, m.gpus);

  const predictor: Record<string, unknown> = {
    minReplicas: m.minReplicas,
    maxReplicas: m.values.maxReplicas,
  };
  if (m.knative) Object.assign(predictor, { scaleMetric: 'concurrency', scaleTarget: m.values.concurrencyTarget, timeout: m.values.timeoutSeconds });
  if (m.values.serviceAccountName) predictor.serviceAccountName = m.values.serviceAccountName;
  if (Object.keys(m.values.nodeSelector).length) predictor.nodeSelector = m.values.nodeSelector;
  const tolerations = Array.isArray(m.values.tolerations) ? [...(m.values.tolerations as Record<string, unknown>[])] : [];
  if (m.gpus > 0 && !tolerations.some((t) => t.key === GPU_RESOURCE)) tolerations.push(GPU_TOLERATION);
  if (tolerations.length) predictor.tolerations = tolerations;
  if (values.global.imagePullSecrets.length) predictor.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));
  predictor.model = model;

  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: m.isvc,
      namespace,
      labels: {
        ...commonLabels('model', release, chart, m.name, rt.image.tag),
        // Only LiteLLM (and the pool's gateway) should reach models: no external Knative route.
        'networking.kserve.io/visibility': 'cluster-local',
      },
      annotations: annotations(m),
    },
    spec: { predictor },
  };
}

export const models: Component<StackConfig> = {
  groups: [modelsGroup],
  render: (config): RenderedObject[] => config.models.map((m) => ({ object: inferenceService(config, m), group: modelsGroup, source: `inference-stack/models/${m.name}` })),
};

import type { K8sObject } from '../../../core/object.js';
import { isPlainObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import type { ResolvedModel, StackConfig } from '../config.js';
import { runtimesGroup } from './runtimes.js';

export const GPU_RESOURCE = 'nvidia.com/gpu';
const GPU_TOLERATION = { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' };
/** llm-d-router v0.10.0 core-metrics-extractor: engineLabelKey and defaultEngine. */
const ENGINE_TYPE_LABEL = 'llm-d.ai/engine-type';
const PICKER_DEFAULT_ENGINE = 'vllm';

export const modelsGroup = defineGroup<StackConfig>({
  name: 'models',
  description: 'InferenceServices, after their runtimes exist (the webhook rejects unknown runtimes); Ready when the model loaded and the route answers',
  after: [runtimesGroup],
  gates: (config) =>
    config.models.some((m) => m.knative)
      ? [
          { kind: 'crd-established', name: 'services.serving.knative.dev', why: 'Knative-mode models become Knative Services' },
          { kind: 'deployment-started-after-crd', ...config.kserveController, crd: 'services.serving.knative.dev', why: 'KServe looks for Knative Services once, when it starts' },
        ]
      : [],
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

/**
 * Per-model process settings: what the runtime adds (served name, model file, another image), the
 * tensor-parallel flag, then the model's own args and env.
 */
function modelProcess(config: StackConfig, m: ResolvedModel): { args: string[]; env: Record<string, unknown>[]; image?: string } {
  const own = m.runtime.model(m, config.values.runtimes[m.runtime.name]);
  const tensorParallel = m.runtime.capabilities.tensorParallelFlag;
  const args = [...own.args, ...(tensorParallel && m.gpus > 0 ? [`${tensorParallel}=${m.tensorParallelSize}`] : []), ...m.values.args];
  const userEnv = Array.isArray(m.values.env) ? (m.values.env as Record<string, unknown>[]) : [];
  return { args, env: [...own.env, ...userEnv], image: own.image };
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
  const rt = values.runtimes[m.runtime.name];
  const proc = modelProcess(config, m);
  const model: Record<string, unknown> = {
    modelFormat: { name: m.runtime.modelFormat },
    runtime: config.runtimeNames[m.runtime.name],
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
  // The endpoint picker reads each pod's metrics by engine, vLLM unless the pod says otherwise.
  const engine = m.runtime.capabilities.inferencePool?.engineType;
  if (m.pool && engine && engine !== PICKER_DEFAULT_ENGINE) predictor.labels = { [ENGINE_TYPE_LABEL]: engine };
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

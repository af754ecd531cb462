import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import type { StackConfig } from '../config.js';
import { RUNTIMES } from '../runtimes/index.js';
import { MODEL_PORT, type ModelRuntime } from '../runtimes/runtime.js';

export const MODEL_UID = 1000;
const SOURCE = 'inference-stack/runtimes';

export const runtimesGroup = defineGroup<StackConfig>({
  name: 'runtimes',
  description: `ServingRuntimes <release>-${RUNTIMES.map((r) => r.name).join('|')}`,
  gates: ({ kserveController: { namespace, name } }) => [
    { kind: 'crd-established', name: 'servingruntimes.serving.kserve.io', why: 'ServingRuntimes need the KServe CRDs' },
    { kind: 'deployment-available', namespace, name, why: "KServe's validating webhook (failurePolicy Fail) must answer before runtimes and InferenceServices are admitted" },
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
  return RUNTIMES.filter((r) => config.values.runtimes[r.name].enabled).map((r) => ({ object: servingRuntime(config, r), group: runtimesGroup, source: SOURCE }));
}

function servingRuntime(config: StackConfig, runtime: ModelRuntime): K8sObject {
  const { release, namespace, chart, values } = config;
  const rt = values.runtimes[runtime.name];
  const server = runtime.server(rt);
  const container: Record<string, unknown> = {
    name: 'kserve-container',
    image: `${rt.image.repository}:${rt.image.tag}`,
    imagePullPolicy: rt.image.pullPolicy,
    // The server the runtime shares between its models; models add their own flags and env.
    ...(server.command ? { command: server.command } : {}),
    ...(server.args ? { args: server.args } : {}),
    env: Object.entries(server.env).map(([name, value]) => ({ name, value })),
    ports: [{ containerPort: MODEL_PORT, protocol: 'TCP' }],
    resources: rt.resources,
    startupProbe: rt.startupProbe,
    readinessProbe: rt.readinessProbe,
    livenessProbe: rt.livenessProbe,
    securityContext: containerSecurity,
  };
  const spec: Record<string, unknown> = {
    supportedModelFormats: [{ name: runtime.modelFormat, version: '1', autoSelect: false }],
    containers: [container],
  };
  if (runtime.volumes.length) {
    container.volumeMounts = runtime.volumes.map(({ name, mountPath }) => ({ name, mountPath }));
    spec.volumes = runtime.volumes.map(({ name, source }) => ({ name, ...source }));
  }
  const metricsPath = runtime.capabilities.metricsPath;
  if (metricsPath) spec.annotations = { 'prometheus.kserve.io/port': String(MODEL_PORT), 'prometheus.kserve.io/path': metricsPath };
  if (values.global.imagePullSecrets.length) spec.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));
  const metadata: K8sObject['metadata'] = {
    name: config.runtimeNames[runtime.name],
    namespace,
    labels: commonLabels('serving-runtime', release, chart, runtime.name, rt.image.tag),
  };
  if (runtime.annotations) metadata.annotations = { ...runtime.annotations };
  return { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata, spec };
}

export const runtimes: Component<StackConfig> = { groups: [runtimesGroup], render: renderRuntimes };

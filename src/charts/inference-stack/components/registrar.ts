import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { contentHash } from '../../../render/hash.js';
import { commonLabels } from '../../../render/labels.js';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../../render/security.js';
import type { RenderedObject, UninstallHook } from '../../../render/types.js';
import { boundedName, type ResolvedModel, type StackConfig } from '../config.js';
import type { Infrastructure } from '../discovery.js';
import { REGISTRAR_PY } from '../scripts.js';
import { modelsGroup } from './models.js';
import { poolsGroup } from './pool.js';

export const REGISTRAR_UID = 65532;
const SOURCE = 'inference-stack/model-registrar';
const SCRIPT = 'register-models.py';

export const registrarGroup = defineGroup<StackConfig>({
  name: 'registrar',
  description: "Sync LiteLLM's routes to the models once they serve, and pooled models once their gateway route is ready (Job in the infrastructure namespace)",
  after: [modelsGroup, poolsGroup],
});

/** One LiteLLM model entry, as POST /model/new takes it (litellm.md 2.2). */
export interface DesiredModel {
  model_name: string;
  litellm_params: { model: string; api_base: string; api_key: string };
  model_info: { id: string; inferctl_owner: string; inferctl_model: string; inferctl_runtime: string };
}

export function desiredModel(config: StackConfig, m: ResolvedModel): DesiredModel {
  return {
    model_name: m.servedModelName,
    litellm_params: { model: m.runtime.litellmModel(m), api_base: m.apiBase, api_key: 'none' },
    model_info: { id: m.litellmId, inferctl_owner: config.owner, inferctl_model: m.name, inferctl_runtime: m.runtime.name },
  };
}

/**
 * Objects live in the infrastructure namespace, where the Job can read LiteLLM's master key
 * Secret without any RBAC. Names carry a hash of "<namespace>/<release>" when the stack runs in
 * another namespace, so two stacks with the same release name never share a registrar.
 */
export function registrarBaseName(config: StackConfig, infra: Infrastructure): string {
  const { release, namespace } = config;
  if (namespace === infra.namespace) return boundedName(`${release}-model-registrar`, 50);
  const prefix = `${release}-${namespace}`.slice(0, 27).replace(/-+$/, '');
  return `${prefix}-${contentHash(config.owner).slice(0, 6)}-model-registrar`;
}

function registrarObjects(config: StackConfig, infra: Infrastructure, desired: DesiredModel[], purpose: 'sync' | 'unregister'): K8sObject[] {
  const { release, chart, values } = config;
  const r = values.registrar;
  const base = purpose === 'sync' ? registrarBaseName(config, infra) : boundedName(`${registrarBaseName(config, infra)}-unregister`, 54);
  const image = `${r.image.repository}:${r.image.tag}`;
  const labels = { ...commonLabels('model-registrar', release, chart, purpose, r.image.tag), 'inferctl.io/stack-namespace': config.namespace };
  const desiredJson = JSON.stringify(desired);
  const uninstalling = purpose === 'unregister';
  // Uninstall must not hang on an infrastructure that is already gone: a missing Secret starts the
  // container anyway, a silent LiteLLM is given up on after a few minutes, and problems are logged.
  const timeout = uninstalling ? Math.min(r.timeoutSeconds, 180) : r.timeoutSeconds;
  const keyRef: Record<string, unknown> = { name: infra.masterKeySecret, key: infra.masterKeySecretKey };
  if (uninstalling) keyRef.optional = true;

  const podSpec: Record<string, unknown> = {
    restartPolicy: 'Never',
    // The Job talks to LiteLLM only, never to the Kubernetes API.
    automountServiceAccountToken: false,
    securityContext: restrictedPodSecurityContext(REGISTRAR_UID),
    containers: [
      {
        name: 'registrar',
        image,
        imagePullPolicy: r.image.pullPolicy,
        command: ['python3', `/scripts/${SCRIPT}`],
        env: [
          { name: 'LITELLM_URL', value: infra.litellmUrl },
          { name: 'LITELLM_MASTER_KEY', valueFrom: { secretKeyRef: keyRef } },
          { name: 'REGISTRAR_OWNER', value: config.owner },
          { name: 'REGISTRAR_TIMEOUT_SECONDS', value: String(timeout) },
          { name: 'DESIRED_MODELS', value: desiredJson },
          { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
          ...(uninstalling ? [{ name: 'REGISTRAR_BEST_EFFORT', value: '1' }] : []),
        ],
        resources: r.resources,
        securityContext: restrictedContainerSecurityContext(),
        volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }],
      },
    ],
    volumes: [{ name: 'scripts', configMap: { name: base } }],
  };
  if (values.global.imagePullSecrets.length) podSpec.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));
  // Any change of the pod (model list, LiteLLM address, key Secret, image) or of the script is a new
  // Job under a new name, so inferctl, kubectl apply and GitOps tools all run it without patching an
  // immutable Job template; the same input keeps the name and runs nothing.
  const runHash = contentHash({ podSpec, script: contentHash(REGISTRAR_PY) });
  const jobName = `${base}-${runHash.slice(0, 8)}`;
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: base, namespace: infra.namespace, labels }, data: { [SCRIPT]: REGISTRAR_PY } },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: jobName, namespace: infra.namespace, labels },
      spec: {
        // The script itself waits for LiteLLM; pod retries cover evictions.
        backoffLimit: 3,
        activeDeadlineSeconds: timeout + 600,
        template: { metadata: { labels, annotations: { 'inferctl.io/models-hash': runHash } }, spec: podSpec },
      },
    },
  ];
}

/** The sync Job, once the models are Ready. */
export const registrar: Component<StackConfig> = {
  groups: [registrarGroup],
  render(config): RenderedObject[] {
    const infra = config.infrastructure;
    if (!infra) return [];
    const desired = config.models.map((m) => desiredModel(config, m));
    return registrarObjects(config, infra, desired, 'sync').map((object) => ({ object, group: registrarGroup, source: SOURCE, replaceOnChange: object.kind === 'Job' }));
  },
};

/** For uninstall: the same Job with nothing desired, so the routes go with the models. */
export function registrarUninstallHooks(config: StackConfig): UninstallHook[] {
  const infra = config.infrastructure;
  if (!infra) return [];
  return registrarObjects(config, infra, [], 'unregister').map((object) => ({ object, source: SOURCE }));
}

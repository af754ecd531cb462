import { groupOf, isPlainObject, type K8sObject } from '../../../core/object.js';
import { defineGroup } from '../../../render/groups.js';
import type { Gate } from '../../../render/types.js';
import type { OperatorComponent } from '../component.js';
import { FOUNDATION } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';
import { certManagerGroup } from './cert-manager.js';

export const KSERVE_NAMESPACE = 'kserve';
export const KSERVE_CONFIG = 'inferenceservice-config';

/**
 * Sub-controllers of kserve.yaml this chart leaves out: the LLMInferenceService controller and the
 * LocalModel controller and node agent (a DaemonSet with a hostPath on every node). Their CRDs are not
 * in kserve-crds.yaml (config/crd/full), so they would crash-loop; KServe's own Helm chart installs
 * them separately (kserve-llmisvc-*) or not by default (localmodel.enabled=false).
 */
const OPTIONAL_CONTROLLER = /llmisvc|localmodel|llminferenceservice/;

/**
 * The release script's own image step (hack/release/generate-install.sh: sed s/:latest/:v0.20.0/g).
 * The rebuilt kserve-v0.20.0-no-crds.yaml still carries :latest, which would leave KServe unpinned.
 */
export function pinReleaseTag<T>(value: T, tag: string): T {
  if (typeof value === 'string') return value.replaceAll(':latest', `:${tag}`) as T;
  if (Array.isArray(value)) return value.map((v) => pinReleaseTag(v, tag)) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pinReleaseTag(v, tag)])) as T;
  return value;
}

/** Changes one JSON document inside a ConfigMap value, keeping its key order and indentation. */
function patchJson(text: string, change: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  change(doc);
  const indent = /\n( +)"/.exec(text)?.[1].length ?? 2;
  return JSON.stringify(doc, null, indent);
}

/**
 * inferenceservice-config, patched in place (the rest stays upstream's):
 * - ingress.disableIstioVirtualHost=true: there is no Istio; Knative mode routes through Kourier.
 * - deploy.defaultDeploymentMode: kserve.deploymentMode (upstream ships the deprecated "Serverless").
 */
export function patchInferenceServiceConfig(cm: K8sObject, deploymentMode: string): K8sObject {
  const data = { ...(cm.data as Record<string, string>) };
  data.ingress = patchJson(data.ingress, (d) => void (d.disableIstioVirtualHost = true));
  data.deploy = patchJson(data.deploy, (d) => void (d.defaultDeploymentMode = deploymentMode));
  return { ...cm, data };
}

function certManagerGates(config: OperatorsConfig): Gate[] {
  if (config.state['cert-manager'] !== 'external') return [];
  return ['issuers', 'certificates'].map((plural) => ({
    kind: 'crd-established',
    name: `${plural}.cert-manager.io`,
    why: "KServe's webhook certificate needs cert-manager (cert-manager.external=true: installed outside this release)",
  }));
}

const certificatesGroup = defineGroup<OperatorsConfig>({
  name: 'kserve-certificates',
  description: "Issuer and Certificate of KServe's webhook, once cert-manager's webhook answers; ready when the certificate is issued",
  after: (config) => [...FOUNDATION, ...(config.state['cert-manager'] === 'rendered' ? [certManagerGroup] : [])],
  gates: certManagerGates,
});
const kserveGroup = defineGroup<OperatorsConfig>({
  name: 'kserve',
  description: 'KServe controller and webhooks: ready when deployment/kserve-controller-manager is Available',
  after: [certificatesGroup],
});

export const kserve: OperatorComponent = {
  key: 'kserve',
  manifests: [
    { project: 'kserve', file: `kserve-crds-${VERSIONS.kserve}.yaml` },
    { project: 'kserve', file: `kserve-${VERSIONS.kserve}-no-crds.yaml` },
  ],
  needs: [{ key: 'cert-manager', why: "KServe's admission webhook serves the certificate cert-manager issues (Certificate kserve/serving-cert), so the KServe controller cannot start without cert-manager" }],
  groups: [kserveGroup, certificatesGroup],
  groupOf: (obj) => (groupOf(obj.apiVersion) === 'cert-manager.io' ? certificatesGroup : undefined),
  omitReason: (obj) =>
    OPTIONAL_CONTROLLER.test(obj.metadata.name) ? 'LLMInferenceService / LocalModel controller: its CRDs are not in kserve-crds.yaml' : undefined,
  patch(obj, config) {
    // The CRDs come from kserve-crds.yaml, a byte copy of the committed release file: nothing to pin.
    if (obj.kind === 'CustomResourceDefinition') return obj;
    const pinned = pinReleaseTag(obj, VERSIONS.kserve);
    return obj.kind === 'ConfigMap' && obj.metadata.name === KSERVE_CONFIG ? patchInferenceServiceConfig(pinned, config.values.kserve.deploymentMode) : pinned;
  },
  exports: (config) => ({
    kserveVersion: VERSIONS.kserve,
    kserveNamespace: KSERVE_NAMESPACE,
    kserveControllerDeployment: `${KSERVE_NAMESPACE}/kserve-controller-manager`,
    kserveDeploymentMode: config.values.kserve.deploymentMode,
  }),
  provided: () => [
    { kind: 'Secret', namespace: KSERVE_NAMESPACE, name: 'kserve-webhook-server-cert', keys: ['ca.crt', 'tls.crt', 'tls.key'], by: `cert-manager (Certificate ${KSERVE_NAMESPACE}/serving-cert)` },
  ],
};

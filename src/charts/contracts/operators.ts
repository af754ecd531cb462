import { defineContract, type ExportsOf } from '../../render/contract.js';
import type { ProvidedRef, ReleaseLookup } from '../../render/types.js';

const DEPLOYMENT = { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, expected: 'namespace/name of a Deployment' };
const DEPLOYMENTS = { pattern: /^[a-z0-9-]+\/[a-z0-9.-]+(,[a-z0-9-]+\/[a-z0-9.-]+)*$/, expected: 'comma-separated namespace/name of Deployments' };
const NAMESPACE = { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, expected: 'a namespace name' };

/** What the inference-operators release tells the other layers: which versions run, and where. */
export const operatorsContract = defineContract('inference-operators', 1, {
  certManagerVersion: { description: 'cert-manager version' },
  certManagerNamespace: { description: 'namespace of cert-manager', ...NAMESPACE },
  certManagerWebhookDeployment: { description: "cert-manager's webhook Deployment", ...DEPLOYMENT },
  cnpgVersion: { description: 'CloudNativePG version' },
  cnpgNamespace: { description: 'namespace of the CloudNativePG operator', ...NAMESPACE },
  cnpgWebhookDeployment: { description: 'the CloudNativePG operator Deployment, which serves its webhooks', ...DEPLOYMENT },
  gatewayApiVersion: { description: 'Gateway API CRD version' },
  gatewayApiChannel: { description: 'Gateway API channel' },
  envoyGatewayVersion: { description: 'Envoy Gateway version' },
  envoyGatewayNamespace: { description: 'namespace of Envoy Gateway', ...NAMESPACE },
  envoyGatewayDeployment: { description: 'the Envoy Gateway controller Deployment', ...DEPLOYMENT },
  gatewayClassController: { description: "Envoy Gateway's GatewayClass controllerName", pattern: /^[a-z0-9.-]+\/[A-Za-z0-9._\/-]+$/, expected: 'a controller name such as gateway.envoyproxy.io/gatewayclass-controller' },
  knativeOperatorVersion: { description: 'Knative Operator version' },
  knativeOperatorNamespace: { description: 'namespace of the Knative Operator', ...NAMESPACE },
  knativeOperatorDeployments: { description: 'the Knative Operator Deployments', ...DEPLOYMENTS },
  knativeServingVersions: { description: 'Knative Serving versions the operator installs' },
  kserveVersion: { description: 'KServe version' },
  kserveNamespace: { description: 'namespace of KServe', ...NAMESPACE },
  kserveControllerDeployment: { description: 'the KServe controller Deployment, which serves its webhooks', ...DEPLOYMENT },
  kserveDeploymentMode: { description: "KServe's default deployment mode", pattern: /^(Standard|Knative)$/, expected: 'Standard or Knative' },
  gatewayApiInferenceExtensionVersion: { description: 'Gateway API Inference Extension version' },
  inferencePoolApiVersion: { description: 'InferencePool apiVersion' },
  envoyAiGatewayVersion: { description: 'Envoy AI Gateway version (absent: not installed, so no gateway implements InferencePool)' },
  envoyAiGatewayNamespace: { description: 'namespace of Envoy AI Gateway', ...NAMESPACE },
  envoyAiGatewayDeployment: { description: 'the Envoy AI Gateway controller Deployment (the extension server)', ...DEPLOYMENT },
  externalComponents: { description: 'components installed outside the release' },
});

export type OperatorsExports = ExportsOf<typeof operatorsContract.fields>;

export const OPERATORS_CHART = operatorsContract.chart;

/** Where an operator the other layers wait for runs, and how that is known. */
export interface OperatorRef {
  namespace: string;
  name: string;
  /** "inference-operators release inferctl-system/operators", or why the upstream default is assumed. */
  by: string;
}

/**
 * The operators release as the infrastructure and stack layers see it. Operators are cluster-wide,
 * so any release of the chart counts; without one (installed outside inferctl, or `template`, which
 * reads no cluster) the upstream default names are assumed, and `by` says so.
 */
export interface OperatorsView {
  release?: { release: string; namespace: string };
  exports: OperatorsExports;
  /** For records and status: which operators release was used, or that none was found. */
  source: string;
  deployment(key: 'cnpgWebhookDeployment' | 'kserveControllerDeployment' | 'envoyAiGatewayDeployment', upstream: { namespace: string; name: string }, what: string): OperatorRef;
}

export function operatorsView(lookup: ReleaseLookup | undefined): OperatorsView {
  // Two operators releases would fight over the same CRDs; the first in namespace/name order wins here.
  const release = lookup?.ofChart(OPERATORS_CHART).filter((r) => r.status !== 'uninstalling' && r.status !== 'uninstalled')[0];
  const exports: OperatorsExports = release ? operatorsContract.read(release) : {};
  const name = release ? `${OPERATORS_CHART} release ${release.namespace}/${release.release}` : undefined;
  return {
    release: release && { release: release.release, namespace: release.namespace },
    exports,
    source: name ?? (lookup ? `no ${OPERATORS_CHART} release in the cluster: operators installed outside inferctl, upstream default names assumed` : 'not looked up (template): upstream default names assumed'),
    deployment(key, upstream, what) {
      const value = exports[key];
      if (value) {
        const [namespace, deployment] = value.split('/');
        return { namespace, name: deployment, by: `${what}, from the exports of ${name}` };
      }
      const why = name
        ? `not installed by ${name}: installed outside inferctl, at its upstream default name`
        : lookup
          ? `no ${OPERATORS_CHART} release in the cluster: installed outside inferctl, at its upstream default name`
          : 'assumed at its upstream default name (`template` reads no cluster)';
      return { ...upstream, by: `${what}, ${why}` };
    },
  };
}

/** The operator Deployment a gate waits for, as a reference the render relies on. */
export function operatorProvided(ref: OperatorRef): ProvidedRef {
  return { kind: 'Deployment', namespace: ref.namespace, name: ref.name, by: ref.by };
}

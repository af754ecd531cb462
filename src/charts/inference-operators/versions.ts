/**
 * Every upstream version the operators chart installs, pinned in one place. The lock file
 * (charts/inference-operators/manifests.lock.json) names the exact files of these versions and their
 * sha256; a test checks that the two agree.
 *
 * Why this set is compatible (shared/reference/crds.md, "Compatibility warning"):
 * - Envoy Gateway v1.9.0 pins sigs.k8s.io/gateway-api v1.6.1 in its go.mod and bundles the
 *   EXPERIMENTAL channel of Gateway API v1.6.1, so Gateway API is v1.6.1 experimental (never the
 *   standard channel: the two define the same CRD names with different schemas).
 * - KServe v0.20.0 was tested (kserve-deps.env) with cert-manager v1.17.0 (used here as is),
 *   Envoy Gateway v1.8.1, Knative 1.21.1, Gateway API v1.5.1 and GIE v1.5.0. The newer CRDs here are
 *   supersets of the tested ones; the one difference that matters, InferencePool.spec.endpointPickerRef
 *   (required in GIE v1.5.0, optional in v1.6.0), is handled by always rendering endpointPickerRef in
 *   the stack layer. KServe's own LLMInferenceService controller (which needs GIE v1.5.0) is not
 *   installed by this chart, so GIE v1.6.0 only serves InferencePool.
 * - The Knative Operator 1.23 installs Knative Serving 1.20.x-1.23.0 and net-kourier 1.20-1.23
 *   (its kodata); KServe's tested 1.21 is inside that range and the infrastructure layer asks for 1.23.
 * - CloudNativePG 1.30.0 is independent of the others.
 */
export const VERSIONS = {
  certManager: 'v1.17.0',
  cnpg: '1.30.0',
  gatewayApi: 'v1.6.1',
  gatewayApiChannel: 'experimental',
  envoyGateway: 'v1.9.0',
  knativeOperator: '1.23.0',
  /** Knative Serving versions the operator above can install (KnativeServing.spec.version). */
  knativeServingRange: '1.20-1.23',
  kserve: 'v0.20.0',
  gatewayApiInferenceExtension: 'v1.6.0',
  /**
   * Envoy AI Gateway: v1.1.0 documents "Envoy Gateway v1.8.1 or higher" (site/versioned_docs/version-1.1/
   * getting-started/prerequisites.md, _vars.json egMinVersion) and is built on v1.8.1 (go.mod); it has no
   * matrix. v1.9.0's breaking changes for extension servers do not touch its InferencePool path (it builds
   * its own clusters for pickers). docs/versions.md has the sources.
   */
  envoyAiGateway: 'v1.1.0',
  /** Shipped and locked; rendered by the component that will use it (autoscaling). */
  keda: '2.20.2',
} as const;

/** One line for `inferctl show chart`. */
export function versionSummary(): string {
  const v = VERSIONS;
  return `cert-manager ${v.certManager}, CloudNativePG ${v.cnpg}, Gateway API ${v.gatewayApi} (${v.gatewayApiChannel}), Envoy Gateway ${v.envoyGateway}, Knative Operator ${v.knativeOperator}, KServe ${v.kserve}, Gateway API Inference Extension ${v.gatewayApiInferenceExtension}, Envoy AI Gateway ${v.envoyAiGateway}`;
}

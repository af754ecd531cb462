import type { KeyPath } from '../../schema/validate.js';
import { ENVOY_GATEWAY_NAMESPACE, modelGatewayNames, modelGatewayUrl } from '../contracts/model-gateway.js';
import type { OperatorsView } from '../contracts/operators.js';
import type { Infrastructure } from './discovery.js';
import type { StackValues } from './values.js';

/**
 * Where a model with an InferencePool is reached: an HTTPRoute on the infrastructure's internal model
 * gateway, under a path prefix of its own, whose backend is the pool (Envoy + Envoy AI Gateway send
 * each request to the pod the endpoint picker chooses). LiteLLM's api_base points there.
 */
export interface PoolRoute {
  /** Gateway the HTTPRoute attaches to. */
  gateway: { name: string; namespace: string };
  /** Base URL of that Gateway inside the cluster. */
  url: string;
}

/** The model gateway as the infrastructure release exports it, or by naming convention when none was read. */
export function poolRoute(values: StackValues, namespace: string, infra: Infrastructure | undefined): PoolRoute | { missing: string } {
  if (infra?.source === 'record') {
    if (!infra.modelGateway || !infra.modelGatewayUrl) {
      return { missing: `infrastructure release "${infra.release}" in namespace "${infra.namespace}" has no model gateway (networking-layer.envoyGateway.modelGateway.enabled=false there, or a release from before it existed): upgrade it with modelGateway enabled (the default)` };
    }
    return { gateway: { name: infra.modelGateway, namespace: infra.namespace }, url: infra.modelGatewayUrl };
  }
  const release = infra?.release ?? values.infrastructureReleaseName;
  const infraNs = infra?.namespace ?? (values.infrastructureNamespace || namespace);
  const names = modelGatewayNames(release, infraNs);
  return { gateway: { name: names.gateway, namespace: infraNs }, url: infra?.modelGatewayUrl ?? modelGatewayUrl(names.service, ENVOY_GATEWAY_NAMESPACE) };
}

/**
 * Plain Envoy Gateway does not implement InferencePool backends (envoyproxy/gateway#4423): it needs
 * Envoy AI Gateway. An operators release that says it runs without it is refused before anything is
 * applied; without an operators release (operators installed outside inferctl) the pools group waits
 * for the controller Deployment instead.
 */
export function checkPoolGateway(operators: OperatorsView, pooled: { name: string; index: number }[], fail: (path: KeyPath, message: string) => never): void {
  if (!pooled.length || !operators.release || operators.exports.envoyAiGatewayVersion) return;
  const { release, namespace } = operators.release;
  const m = pooled[0];
  fail(
    ['models', m.index, 'inferencePool', 'enabled'],
    `model "${m.name}" is served through an InferencePool (cache-aware routing, on by default for Standard-mode models of runtimes the endpoint picker understands), but operators release "${release}" in namespace "${namespace}" runs without Envoy AI Gateway (envoyAIGateway.enabled=false there), and plain Envoy Gateway cannot route to an InferencePool. Enable it (npx inferctl upgrade ${release} ./charts/inference-operators -n ${namespace} --reuse-values --set envoyAIGateway.enabled=true) or set models[${m.index}].inferencePool.enabled=false${pooled.length > 1 ? ` (and for ${pooled.slice(1).map((p) => `"${p.name}"`).join(', ')})` : ''} to call the predictor Service directly.`,
  );
}

export function missingGateway(message: string, m: { name: string; index: number }, fail: (path: KeyPath, message: string) => never): never {
  return fail(['models', m.index, 'inferencePool', 'enabled'], `model "${m.name}" is served through an InferencePool, but ${message}; or set models[${m.index}].inferencePool.enabled=false.`);
}

import { contentHash } from '../../render/hash.js';

/**
 * The infrastructure's internal model gateway, named in one place: the infrastructure chart renders
 * it and exports its name and URL; a stack rendered without a cluster (`template`) derives the same
 * names from the infrastructure release's name and namespace.
 */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';

export interface ModelGatewayNames {
  /** Gateway and EnvoyProxy, in the infrastructure namespace. */
  gateway: string;
  envoyProxy: string;
  /** The ClusterIP Service Envoy Gateway creates for it, in Envoy Gateway's namespace (EnvoyProxy envoyService.name). */
  service: string;
}

export function modelGatewayNames(release: string, namespace: string): ModelGatewayNames {
  const gateway = `${release}-model-gateway`;
  // Envoy Gateway's own default is envoy-<namespace>-<gateway>-<hash>; a stable name lets LiteLLM address it.
  let service = `envoy-${namespace}-${gateway}`;
  if (service.length > 63) service = `${service.slice(0, 56).replace(/-+$/, '')}-${contentHash(service).slice(0, 6)}`;
  return { gateway, envoyProxy: gateway, service };
}

/** In-cluster URL of the model gateway (its listener is HTTP on port 80). */
export function modelGatewayUrl(service: string, envoyGatewayNamespace: string): string {
  return `http://${service}.${envoyGatewayNamespace}.svc.cluster.local`;
}

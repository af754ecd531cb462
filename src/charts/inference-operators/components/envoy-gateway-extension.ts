import { load } from 'js-yaml';
import { isPlainObject, type K8sObject } from '../../../core/object.js';
import { contentHash } from '../../../render/hash.js';
import { toYaml } from '../../../render/yaml-output.js';

/** Envoy AI Gateway's controller Service, where Envoy Gateway calls its extension server (port grpc). */
export const AI_GATEWAY_NAMESPACE = 'envoy-ai-gateway-system';
export const AI_GATEWAY_CONTROLLER = 'ai-gateway-controller';
export const AI_GATEWAY_EXTENSION_PORT = 1063;

export const ENVOY_GATEWAY_CONFIG = 'envoy-gateway-config';
const CONFIG_KEY = 'envoy-gateway.yaml';
/** Pod-template annotation carrying the hash of what this chart adds to the config: a change restarts Envoy Gateway, which reads its config only at start. */
export const CONFIG_HASH_ANNOTATION = 'inferctl.io/envoy-gateway-config-hash';

/**
 * What Envoy AI Gateway v1.1.0 asks of Envoy Gateway's configuration (its manifests/envoy-gateway-values.yaml
 * and examples/inference-pool/envoy-gateway-values-addon.yaml): the Backend API, EnvoyPatchPolicy, the
 * xDS translator hooks it patches, where its extension server listens, and InferencePool as a backend
 * kind. Without backendResources Envoy Gateway refuses an HTTPRoute backendRef of kind InferencePool
 * (ResolvedRefs=False, InvalidKind; envoyproxy/gateway#4423).
 */
export function aiGatewayExtension(): { extensionApis: Record<string, boolean>; extensionManager: Record<string, unknown> } {
  const all = { includeAll: true };
  return {
    extensionApis: { enableBackend: true, enableEnvoyPatchPolicy: true },
    extensionManager: {
      backendResources: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', version: 'v1' }],
      hooks: { xdsTranslator: { translation: { listener: all, route: all, cluster: all, secret: all }, post: ['Translation', 'Cluster', 'Route'] } },
      service: { fqdn: { hostname: `${AI_GATEWAY_CONTROLLER}.${AI_GATEWAY_NAMESPACE}.svc.cluster.local`, port: AI_GATEWAY_EXTENSION_PORT } },
    },
  };
}

/** ConfigMap envoy-gateway-config with the extension merged into upstream's EnvoyGateway document (the rest unchanged). */
export function withAiGatewayConfig(cm: K8sObject): K8sObject {
  const data = (cm.data ?? {}) as Record<string, string>;
  const doc = load(data[CONFIG_KEY] ?? '');
  if (!isPlainObject(doc)) throw new Error(`ConfigMap ${ENVOY_GATEWAY_CONFIG} has no EnvoyGateway document under ${CONFIG_KEY}`);
  const ext = aiGatewayExtension();
  const extensionApis = { ...(isPlainObject(doc.extensionApis) ? doc.extensionApis : {}), ...ext.extensionApis };
  const merged = { ...doc, extensionApis, extensionManager: ext.extensionManager };
  return { ...cm, data: { ...data, [CONFIG_KEY]: toYaml(merged) } };
}

/** The controller Deployment with the config hash on its pod template, so applying a new config rolls it. */
export function withConfigHash(deployment: K8sObject): K8sObject {
  const spec = deployment.spec as { template: { metadata?: { annotations?: Record<string, string> } } };
  const template = spec.template;
  const metadata = { ...(template.metadata ?? {}), annotations: { ...(template.metadata?.annotations ?? {}), [CONFIG_HASH_ANNOTATION]: contentHash(aiGatewayExtension()).slice(0, 16) } };
  return { ...deployment, spec: { ...spec, template: { ...template, metadata } } };
}

import { groupOf } from '../../../core/object.js';
import { defineGroup } from '../../../render/groups.js';
import type { Gate } from '../../../render/types.js';
import type { OperatorComponent } from '../component.js';
import { FOUNDATION } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';
import { certManagerGroup } from './cert-manager.js';
import { envoyGatewayGroup } from './envoy-gateway.js';
import { AI_GATEWAY_CONTROLLER, AI_GATEWAY_NAMESPACE } from './envoy-gateway-extension.js';

/** The webhook certificate's Secret, which the controller mounts (the chart's certManager.enable=true render). */
const WEBHOOK_CERT = 'self-signed-cert-for-mutating-webhook';

function certManagerGates(config: OperatorsConfig): Gate[] {
  if (config.state['cert-manager'] !== 'external') return [];
  return ['issuers', 'certificates'].map((plural) => ({
    kind: 'crd-established',
    name: `${plural}.cert-manager.io`,
    why: "Envoy AI Gateway's webhook certificate needs cert-manager (cert-manager.external=true: installed outside this release)",
  }));
}

const certificatesGroup = defineGroup<OperatorsConfig>({
  name: 'envoy-ai-gateway-certificates',
  description: "Issuer and Certificate of Envoy AI Gateway's pod-mutating webhook, once cert-manager's webhook answers; ready when the certificate is issued",
  after: (config) => [...FOUNDATION, ...(config.state['cert-manager'] === 'rendered' ? [certManagerGroup] : [])],
  gates: certManagerGates,
});
const aiGatewayGroup = defineGroup<OperatorsConfig>({
  name: 'envoy-ai-gateway',
  description: 'Envoy AI Gateway controller (the extension server Envoy Gateway calls) and its webhook: ready when deployment/ai-gateway-controller is Available',
  // After Envoy Gateway, which by then runs with the extension configured (envoy-gateway-extension.ts).
  after: [certificatesGroup, envoyGatewayGroup],
});

/**
 * Envoy AI Gateway v1.1.0: the Envoy Gateway extension that implements InferencePool backends (an
 * HTTPRoute backendRef of kind InferencePool is sent through the pool's endpoint picker). Its Helm
 * chart rendered with the webhook certificate from cert-manager; the namespace Helm would create is
 * rendered here. It needs Envoy Gateway v1.8.1 or higher (docs/versions.md).
 */
export const envoyAIGateway: OperatorComponent = {
  key: 'envoyAIGateway',
  manifests: [
    { project: 'envoy-ai-gateway', file: `envoy-ai-gateway-crds-${VERSIONS.envoyAiGateway}.yaml` },
    { project: 'envoy-ai-gateway', file: `envoy-ai-gateway-${VERSIONS.envoyAiGateway}.yaml` },
  ],
  needs: [
    { key: 'envoy-gateway', why: 'Envoy AI Gateway is an extension server of Envoy Gateway and does nothing without it' },
    { key: 'cert-manager', why: `Envoy AI Gateway's pod-mutating webhook serves the certificate cert-manager issues (Certificate ${AI_GATEWAY_NAMESPACE}/${WEBHOOK_CERT})` },
  ],
  extraObjects: () => [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: AI_GATEWAY_NAMESPACE } }],
  groups: [aiGatewayGroup, certificatesGroup],
  groupOf: (obj) => (groupOf(obj.apiVersion) === 'cert-manager.io' ? certificatesGroup : undefined),
  exports: () => ({
    envoyAiGatewayVersion: VERSIONS.envoyAiGateway,
    envoyAiGatewayNamespace: AI_GATEWAY_NAMESPACE,
    envoyAiGatewayDeployment: `${AI_GATEWAY_NAMESPACE}/${AI_GATEWAY_CONTROLLER}`,
  }),
  provided: () => [
    { kind: 'Secret', namespace: AI_GATEWAY_NAMESPACE, name: WEBHOOK_CERT, keys: ['ca.crt', 'tls.crt', 'tls.key'], by: `cert-manager (Certificate ${AI_GATEWAY_NAMESPACE}/${WEBHOOK_CERT})` },
  ],
};

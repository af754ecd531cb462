import type { K8sObject } from '../../../core/object.js';
import { defineGroup, type Group } from '../../../render/groups.js';
import type { Gate } from '../../../render/types.js';
import type { OperatorComponent } from '../component.js';
import { FOUNDATION } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';
import { ENVOY_GATEWAY_CONFIG, withAiGatewayConfig, withConfigHash } from './envoy-gateway-extension.js';
import { isGatewayApiObject } from './gateway-api.js';

export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
export const GATEWAY_CLASS_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

/**
 * Helm pre-install hooks run before the chart's other objects, lowest hook-weight first: weight -1 is
 * the certgen RBAC and the topology-injector webhook configuration (whose CA bundle certgen fills),
 * weight 0 the certgen Job itself.
 */
function hookGroup(obj: K8sObject): Group<OperatorsConfig> | undefined {
  const annotations = obj.metadata.annotations ?? {};
  if (!annotations['helm.sh/hook']) return undefined;
  return Number(annotations['helm.sh/hook-weight'] ?? 0) < 0 ? certgenSetupGroup : certgenGroup;
}

function gatewayApiGates(config: OperatorsConfig): Gate[] {
  if (config.state['gateway-api'] !== 'external') return [];
  return ['gatewayclasses', 'httproutes'].map((plural) => ({
    kind: 'crd-established',
    name: `${plural}.gateway.networking.k8s.io`,
    why: 'Envoy Gateway watches the Gateway API CRDs (gateway-api.external=true: installed outside this release)',
  }));
}

const certgenSetupGroup = defineGroup<OperatorsConfig>({
  name: 'envoy-gateway-certgen-setup',
  description: 'Helm hooks of weight -1 before certgen: its RBAC and the topology-injector MutatingWebhookConfiguration',
  after: FOUNDATION,
});
const certgenGroup = defineGroup<OperatorsConfig>({
  name: 'envoy-gateway-certgen',
  description: 'Envoy Gateway certgen Job (a Helm pre-install hook upstream): creates the controller and proxy TLS Secrets; ready when it completed',
  after: [certgenSetupGroup],
});
export const envoyGatewayGroup = defineGroup<OperatorsConfig>({
  name: 'envoy-gateway',
  description: 'Envoy Gateway controller: ready when deployment/envoy-gateway is Available',
  after: [certgenGroup],
  gates: gatewayApiGates,
});

/**
 * Envoy Gateway's install.yaml. Its Helm pre-install hooks (certgen RBAC and Job, which create the
 * envoy-gateway TLS Secret the controller mounts) run as their own groups first, as Helm would.
 */
export const envoyGateway: OperatorComponent = {
  key: 'envoy-gateway',
  manifests: [{ project: 'envoy-gateway', file: `install-${VERSIONS.envoyGateway}.yaml` }],
  needs: [{ key: 'gateway-api', why: 'Envoy Gateway implements the Gateway API and does not start without its CRDs' }],
  // Declared in this order: the controller's group first, so ordering ties resolve as before.
  groups: [envoyGatewayGroup, certgenGroup, certgenSetupGroup],
  groupOf: hookGroup,
  // install.yaml bundles byte-identical copies of the Gateway API v1.6.1 experimental CRDs and the
  // safe-upgrades policy; the gateway-api component owns them, so each identity renders once.
  omitReason: (obj) => (isGatewayApiObject(obj) ? 'part of Gateway API: rendered by the gateway-api component (identical copy)' : undefined),
  // With Envoy AI Gateway, its extension settings go into Envoy Gateway's config (envoy-gateway-extension.ts).
  patch(obj, config) {
    if (config.state.envoyAIGateway !== 'rendered') return obj;
    if (obj.kind === 'ConfigMap' && obj.metadata.name === ENVOY_GATEWAY_CONFIG) return withAiGatewayConfig(obj);
    if (obj.kind === 'Deployment' && obj.metadata.name === 'envoy-gateway') return withConfigHash(obj);
    return obj;
  },
  exports: () => ({
    envoyGatewayVersion: VERSIONS.envoyGateway,
    envoyGatewayNamespace: ENVOY_GATEWAY_NAMESPACE,
    envoyGatewayDeployment: `${ENVOY_GATEWAY_NAMESPACE}/envoy-gateway`,
    gatewayClassController: GATEWAY_CLASS_CONTROLLER,
  }),
  provided: () => [
    { kind: 'Secret', namespace: ENVOY_GATEWAY_NAMESPACE, name: 'envoy-gateway', keys: ['ca.crt', 'tls.crt', 'tls.key'], by: `certgen Job ${ENVOY_GATEWAY_NAMESPACE}/eg-gateway-helm-certgen` },
  ],
};

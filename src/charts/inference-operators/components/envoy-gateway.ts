import type { K8sObject } from '../../../core/object.js';
import type { Gate, GroupSpec } from '../../../render/types.js';
import type { OperatorComponent } from '../component.js';
import { FOUNDATION, gatesOf } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';
import { isGatewayApiObject } from './gateway-api.js';

export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
export const GATEWAY_CLASS_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
const CERTGEN_GROUP = 'envoy-gateway-certgen';
const CERTGEN_SETUP_GROUP = 'envoy-gateway-certgen-setup';

/**
 * Helm pre-install hooks run before the chart's other objects, lowest hook-weight first: weight -1 is
 * the certgen RBAC and the topology-injector webhook configuration (whose CA bundle certgen fills),
 * weight 0 the certgen Job itself.
 */
function hookGroup(obj: K8sObject): string | undefined {
  const annotations = obj.metadata.annotations ?? {};
  if (!annotations['helm.sh/hook']) return undefined;
  return Number(annotations['helm.sh/hook-weight'] ?? 0) < 0 ? CERTGEN_SETUP_GROUP : CERTGEN_GROUP;
}

function gatewayApiGates(config: OperatorsConfig): Gate[] {
  if (config.state['gateway-api'] !== 'external') return [];
  return ['gatewayclasses', 'httproutes'].map((plural) => ({
    kind: 'crd-established',
    name: `${plural}.gateway.networking.k8s.io`,
    why: 'Envoy Gateway watches the Gateway API CRDs (gateway-api.external=true: installed outside this release)',
  }));
}

/**
 * Envoy Gateway's install.yaml. Its Helm pre-install hooks (certgen RBAC and Job, which create the
 * envoy-gateway TLS Secret the controller mounts) run as their own groups first, as Helm would.
 */
export const envoyGateway: OperatorComponent = {
  key: 'envoy-gateway',
  manifests: [{ project: 'envoy-gateway', file: `install-${VERSIONS.envoyGateway}.yaml` }],
  needs: [{ key: 'gateway-api', why: 'Envoy Gateway implements the Gateway API and does not start without its CRDs' }],
  groups: (config): GroupSpec[] => [
    {
      name: 'envoy-gateway',
      dependsOn: [CERTGEN_GROUP],
      description: 'Envoy Gateway controller: ready when deployment/envoy-gateway is Available',
      ...gatesOf(gatewayApiGates(config)),
    },
    {
      name: CERTGEN_GROUP,
      dependsOn: [CERTGEN_SETUP_GROUP],
      description: 'Envoy Gateway certgen Job (a Helm pre-install hook upstream): creates the controller and proxy TLS Secrets; ready when it completed',
    },
    {
      name: CERTGEN_SETUP_GROUP,
      dependsOn: FOUNDATION,
      description: 'Helm hooks of weight -1 before certgen: its RBAC and the topology-injector MutatingWebhookConfiguration',
    },
  ],
  groupOf: hookGroup,
  // install.yaml bundles byte-identical copies of the Gateway API v1.6.1 experimental CRDs and the
  // safe-upgrades policy; the gateway-api component owns them, so each identity renders once.
  omitReason: (obj) => (isGatewayApiObject(obj) ? 'part of Gateway API: rendered by the gateway-api component (identical copy)' : undefined),
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

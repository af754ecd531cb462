import type { K8sObject } from '../../../core/object.js';
import { defineGroup } from '../../../render/groups.js';
import type { OperatorComponent } from '../component.js';
import { crdsGroup } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';

export const GATEWAY_API_GROUPS = ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'];
export const SAFE_UPGRADES_POLICY = 'safe-upgrades.gateway.networking.k8s.io';

const gatewayApiGroup = defineGroup<OperatorsConfig>({
  name: 'gateway-api',
  description: 'Gateway API safe-upgrades ValidatingAdmissionPolicy: refuses older or standard-channel Gateway API CRDs over these',
  after: [crdsGroup],
});

/** Objects of the Gateway API release file: its CRDs and the safe-upgrades admission policy. */
export function isGatewayApiObject(obj: K8sObject): boolean {
  if (obj.kind === 'CustomResourceDefinition') return GATEWAY_API_GROUPS.includes((obj.spec as { group?: string }).group ?? '');
  return obj.metadata.name === SAFE_UPGRADES_POLICY && obj.apiVersion.startsWith('admissionregistration.k8s.io/');
}

/**
 * Gateway API CRDs, experimental channel: the channel Envoy Gateway v1.9.0 bundles. Mixing channels
 * is what the safe-upgrades policy refuses, so only this one file ever renders them.
 */
export const gatewayApi: OperatorComponent = {
  key: 'gateway-api',
  manifests: [{ project: 'gateway-api', file: `${VERSIONS.gatewayApiChannel}-install-${VERSIONS.gatewayApi}.yaml` }],
  groups: [gatewayApiGroup],
  exports: () => ({ gatewayApiVersion: VERSIONS.gatewayApi, gatewayApiChannel: VERSIONS.gatewayApiChannel }),
};

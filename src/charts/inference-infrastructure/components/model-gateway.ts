import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import { ENVOY_GATEWAY_NAMESPACE, modelGatewayNames, modelGatewayUrl } from '../../contracts/model-gateway.js';
import type { InfraConfig } from '../config.js';
import { gatewayGroup } from './envoy-gateway.js';

export const modelGatewayGroup = defineGroup<InfraConfig>({
  name: 'model-gateway',
  description: "Internal Gateway for model routes through InferencePools (ClusterIP only): ready when Programmed",
  // Same GatewayClass as the public Gateway, which must be accepted first.
  after: [gatewayGroup],
});

export function modelGatewayEnabled(config: InfraConfig): boolean {
  const net = config.values['networking-layer'];
  return net.enabled && net.envoyGateway.enabled && net.envoyGateway.modelGateway.enabled;
}

/** Where the model gateway is, for the stack (exports) and for LiteLLM's api_base of pooled models. */
export function modelGatewayExport(config: InfraConfig): { modelGateway: string; modelGatewayUrl: string } | undefined {
  if (!modelGatewayEnabled(config)) return undefined;
  const names = modelGatewayNames(config.release, config.namespace);
  const egNamespace = config.operators.exports.envoyGatewayNamespace ?? ENVOY_GATEWAY_NAMESPACE;
  return { modelGateway: names.gateway, modelGatewayUrl: modelGatewayUrl(names.service, egNamespace) };
}

/**
 * A Gateway of its own rather than a listener on the public one: every listener of a Gateway becomes a
 * port of its (LoadBalancer) Service, and a hostname match would let any client on the internet reach a
 * model past LiteLLM's keys and budgets by sending that Host header. Its EnvoyProxy (attached to the
 * Gateway, so it replaces the class's for this Gateway only) asks for a ClusterIP Service with a fixed
 * name, so LiteLLM can address it. Routes come from the stack's namespaces.
 */
function renderModelGateway(config: InfraConfig): RenderedObject[] {
  if (!modelGatewayEnabled(config)) return [];
  const { release, namespace, chart, names } = config;
  const mg = modelGatewayNames(release, namespace);
  const labels = commonLabels('networking-layer', release, chart, 'model-gateway');
  const source = 'inference-infrastructure/model-gateway';
  const envoyProxy: K8sObject = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: { name: mg.envoyProxy, namespace, labels },
    spec: { provider: { type: 'Kubernetes', kubernetes: { envoyService: { type: 'ClusterIP', name: mg.service } } } },
  };
  const gateway: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: mg.gateway, namespace, labels },
    spec: {
      gatewayClassName: names.gatewayClass,
      infrastructure: { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: mg.envoyProxy } },
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }],
    },
  };
  return [
    { object: envoyProxy, group: modelGatewayGroup, source },
    { object: gateway, group: modelGatewayGroup, source },
  ];
}

export const modelGateway: Component<InfraConfig> = { groups: [modelGatewayGroup], render: renderModelGateway };

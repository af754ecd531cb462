import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import type { InfraConfig } from '../config.js';

/** Envoy Gateway's controllerName, when no operators release says otherwise. */
export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

export const gatewayGroup = defineGroup<InfraConfig>({ name: 'gateway', description: 'EnvoyProxy, GatewayClass and Gateway' });

/** Envoy Gateway: EnvoyProxy (Service shape) -> GatewayClass -> Gateway open to routes from every namespace. */
function renderEnvoyGateway(config: InfraConfig): RenderedObject[] {
  const { values, names, release, namespace, chart } = config;
  const net = values['networking-layer'];
  if (!net.enabled || !net.envoyGateway.enabled) return [];
  const eg = net.envoyGateway;
  const source = 'inference-infrastructure/networking-layer';
  const labels = commonLabels('networking-layer', release, chart, 'gateway');

  const envoyService: Record<string, unknown> = { type: eg.serviceType };
  if (Object.keys(eg.serviceAnnotations).length) envoyService.annotations = eg.serviceAnnotations;
  const envoyProxy: K8sObject = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: { name: names.envoyProxy, namespace, labels },
    spec: { provider: { type: 'Kubernetes', kubernetes: { envoyService } } },
  };
  const gatewayClass: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: names.gatewayClass, labels },
    spec: {
      controllerName: config.operators.exports.gatewayClassController ?? ENVOY_GATEWAY_CONTROLLER,
      parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: names.envoyProxy, namespace },
    },
  };
  const allowedRoutes = { namespaces: { from: 'All' } };
  const listener = (name: string, port: number, protocol: string, extra: Record<string, unknown> = {}) => {
    const l: Record<string, unknown> = { name, port, protocol };
    if (eg.hostname) l.hostname = eg.hostname;
    return { ...l, ...extra, allowedRoutes };
  };
  const listeners = [listener('http', 80, 'HTTP')];
  if (eg.tls.enabled) {
    listeners.push(listener('https', 443, 'HTTPS', { tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: eg.tls.secretName }] } }));
  }
  const gateway: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: names.gateway, namespace, labels },
    spec: { gatewayClassName: names.gatewayClass, listeners },
  };
  return [
    { object: envoyProxy, group: gatewayGroup, source },
    // Cluster-scoped: two releases of the same name in different namespaces would share it.
    { object: gatewayClass, group: gatewayGroup, source, nameFrom: 'networking-layer.envoyGateway.gatewayClassName' },
    { object: gateway, group: gatewayGroup, source, nameFrom: 'networking-layer.envoyGateway.gatewayName' },
  ];
}

export const envoyGateway: Component<InfraConfig> = { groups: [gatewayGroup], render: renderEnvoyGateway };

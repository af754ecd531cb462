import type { K8sObject } from '../../../core/object.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import type { InfraConfig } from '../config.js';

export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
export const KNATIVE_NAMESPACE = 'knative-serving';
export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';

/** Envoy Gateway: EnvoyProxy (Service shape) -> GatewayClass -> Gateway open to routes from every namespace. */
export function renderEnvoyGateway(config: InfraConfig): RenderedObject[] {
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
      controllerName: ENVOY_GATEWAY_CONTROLLER,
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
    { object: envoyProxy, group: 'gateway', source },
    { object: gatewayClass, group: 'gateway', source },
    { object: gateway, group: 'gateway', source },
  ];
}

/**
 * Knative Serving with Kourier as its ingress, installed by the Knative Operator from this
 * KnativeServing. Tuned for model servers: slow scale-down, long progress deadline for model loads.
 */
export function renderKourier(config: InfraConfig): RenderedObject[] {
  const { values, release, chart } = config;
  const net = values['networking-layer'];
  if (!net.enabled || !net.kourier.enabled) return [];
  const k = net.kourier;
  const source = 'inference-infrastructure/networking-layer';
  const labels = commonLabels('networking-layer', release, chart, 'knative');
  const ns: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KNATIVE_NAMESPACE, labels } };
  const serving: K8sObject = {
    apiVersion: 'operator.knative.dev/v1beta1',
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving', namespace: KNATIVE_NAMESPACE, labels },
    spec: {
      version: k.version,
      ingress: { kourier: { enabled: true, 'service-type': k.serviceType } },
      config: {
        network: { 'ingress-class': KOURIER_INGRESS_CLASS },
        domain: { [k.domain]: '' },
        deployment: { 'progress-deadline': '2400s' },
        autoscaler: {
          'enable-scale-to-zero': 'true',
          'scale-to-zero-grace-period': k.scaleToZeroGracePeriod,
          'scale-down-delay': k.scaleDownDelay,
        },
        features: {
          'kubernetes.podspec-nodeselector': 'enabled',
          'kubernetes.podspec-tolerations': 'enabled',
          'kubernetes.podspec-affinity': 'enabled',
          'kubernetes.podspec-securitycontext': 'enabled',
          'kubernetes.podspec-persistent-volume-claim': 'enabled',
          'kubernetes.podspec-persistent-volume-write': 'enabled',
        },
      },
    },
  };
  return [
    // Shared with every Knative workload: never deleted by an uninstall without --purge.
    { object: ns, group: 'namespaces', source, keepOnUninstall: true },
    { object: serving, group: 'knative', source },
  ];
}

import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { commonLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import type { InfraConfig } from '../config.js';
import { namespacesGroup } from '../namespaces.js';

export const KNATIVE_NAMESPACE = 'knative-serving';
export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';

export const knativeGroup = defineGroup<InfraConfig>({ name: 'knative', description: 'Knative Serving with Kourier', after: [namespacesGroup] });

/**
 * Knative Serving with Kourier as its ingress, installed by the Knative Operator from this
 * KnativeServing. Tuned for model servers: slow scale-down, long progress deadline for model loads.
 */
function renderKourier(config: InfraConfig): RenderedObject[] {
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
    // One Knative Serving per cluster, used by every infrastructure release that wants Kourier: the
    // first creates it, later ones register as users, and the last one to go deletes it. The
    // namespace also holds every Knative workload's state: only --purge of its last user deletes it.
    { object: ns, group: namespacesGroup, source, keepOnUninstall: true, shared: true },
    { object: serving, group: knativeGroup, source, shared: true },
  ];
}

export const kourier: Component<InfraConfig> = { groups: [knativeGroup], render: renderKourier };

import type { K8sObject } from '../../../core/object.js';
import { commonLabels } from '../../../render/labels.js';
import type { ResolvedModel, StackConfig } from '../config.js';

export const POOL_GROUP = 'inference.networking.k8s.io';

/**
 * The model's HTTPRoute on the infrastructure's internal model gateway: requests under its path
 * prefix lose the prefix and go to the InferencePool, so Envoy asks the endpoint picker which pod
 * gets each one (Envoy AI Gateway implements the pool backend). It lives in the pool's namespace:
 * Envoy AI Gateway reports an InferencePool's parents only for routes in that namespace. No port on
 * the backendRef: the pool's targetPorts say where its pods listen.
 */
export function poolRoute(config: StackConfig, m: ResolvedModel): K8sObject {
  const pool = m.pool!;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: pool.route, namespace: config.namespace, labels: commonLabels('model-route', config.release, config.chart, m.name) },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: pool.gateway.name, namespace: pool.gateway.namespace, sectionName: 'http' }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: pool.pathPrefix } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
          backendRefs: [{ group: POOL_GROUP, kind: 'InferencePool', name: pool.name }],
          // Streamed completions can run long; Envoy's default route timeout (15 s) would cut them.
          timeouts: { request: `${m.values.timeoutSeconds}s` },
        },
      ],
    },
  };
}

import type { K8sObject } from '../../core/object.js';
import { notReadyWithPods } from '../pods.js';
import { answer, isTerminating, mapSelectorOf, podsQuery } from '../related.js';
import { defineRule, field, list, plural, progressing, ready, records, str } from '../util.js';

/** EndpointSlice semantics: a nil `ready` means unknown, which consumers treat as ready. */
function readyEndpoints(slices: K8sObject[]): number {
  let n = 0;
  for (const slice of slices) {
    if (isTerminating(slice)) continue;
    for (const ep of records(slice, 'endpoints')) {
      if (field(ep, 'conditions.ready') !== false && list(ep, 'addresses').length > 0) n++;
    }
  }
  return n;
}

/**
 * Pulumi semantics, stricter than Helm: a Service with a selector is only useful once traffic can
 * reach a ready Pod. Never 'failed' itself: the workload behind it reports that.
 */
export const serviceRule = defineRule({
  group: '',
  kind: 'Service',
  related(svc) {
    const sel = mapSelectorOf(field(svc, 'spec.selector'));
    if (!sel || str(svc, 'spec.type') === 'ExternalName') return [];
    return [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        namespace: svc.metadata.namespace,
        labelSelector: { 'kubernetes.io/service-name': svc.metadata.name },
      },
      podsQuery(svc, sel),
    ];
  },
  judge(svc, related) {
    const type = str(svc, 'spec.type', 'ClusterIP');
    if (type === 'ExternalName') return ready(`ExternalName for ${str(svc, 'spec.externalName', '?')}`);
    const clusterIP = str(svc, 'spec.clusterIP');
    if (!clusterIP) return progressing('waiting for a cluster IP');
    const ingress = records(svc, 'status.loadBalancer.ingress').map((i) => str(i, 'ip') || str(i, 'hostname'));
    const at = ingress.length ? `, load balancer at ${ingress.join(', ')}` : '';
    if (type === 'LoadBalancer') {
      if (ingress.length === 0) {
        return progressing('waiting for the load balancer to get an address (status.loadBalancer.ingress is empty; does the cluster have a load-balancer controller?)');
      }
    }
    const sel = mapSelectorOf(field(svc, 'spec.selector'));
    if (!sel) return ready(`has cluster IP ${clusterIP}${at}; no selector, endpoints are managed outside Kubernetes`);
    const n = readyEndpoints(answer(related, 0));
    if (n > 0) return ready(`${plural(n, 'ready endpoint')}${at}`);
    const pods = answer(related, 1);
    const selText = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
    if (pods.length === 0) return progressing(`no ready endpoints: no Pod matches selector ${selText}`);
    return notReadyWithPods(`no ready endpoints among ${plural(pods.length, 'Pod')} matching ${selText}`, pods, { neverFail: true });
  },
});

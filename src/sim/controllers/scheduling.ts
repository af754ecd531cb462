/**
 * kube-scheduler's side of the kubelet controller: binds a pending pod to a node that fits it
 * (src/sim/scheduler.ts decides), or leaves it Pending with PodScheduled=False/Unschedulable and a
 * FailedScheduling event; waits for WaitForFirstConsumer claims to be provisioned on the node it
 * picked. Also the kubelet's admission of pods that name their node themselves.
 */
import type { K8sObject } from '../../core/object.js';
import { decide, holdsResources, kubeletRejection } from '../scheduler.js';
import { arr, clone, obj } from '../util.js';
import { condition, setCondition } from './helpers.js';
import type { ControllerContext } from './types.js';

type O = Record<string, any>;

const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

/** What the pod's claims allow: everything, one node (where its volume lives), or nothing yet. */
type ClaimVerdict = { kind: 'ok'; node?: string } | { kind: 'wait' } | { kind: 'prefilter'; message: string } | { kind: 'provision'; claim: K8sObject };

export class PodScheduler {
  constructor(private readonly ctx: ControllerContext) {}

  private nodes(): K8sObject[] {
    return this.ctx.store.list('/nodes');
  }

  /** Bound pods per node, without `pod` itself. */
  private podsOn(pod: K8sObject): (node: string) => K8sObject[] {
    const byNode = new Map<string, K8sObject[]>();
    for (const p of this.ctx.store.scan('/pods')) {
      if (p.metadata.uid === pod.metadata.uid || !holdsResources(p)) continue;
      const n = String(obj(p.spec).nodeName);
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    return (node) => byNode.get(node) ?? [];
  }

  schedule(pod: K8sObject): void {
    const claims = this.claims(pod);
    if (claims.kind === 'wait') return;
    const decision = decide(pod, this.nodes(), this.podsOn(pod), {
      preFilter: claims.kind === 'prefilter' ? claims.message : undefined,
      volumeNode: claims.kind === 'ok' ? claims.node : undefined,
    });
    if (!('node' in decision)) {
      this.unschedulable(pod, decision.message);
      return;
    }
    const node = decision.node.metadata.name;
    if (claims.kind === 'provision') {
      // The scheduler picks the node and tells the provisioner through this annotation; the pod binds once the volume exists.
      this.ctx.client('kube-scheduler').patch('v1', 'PersistentVolumeClaim', claims.claim.metadata.namespace, claims.claim.metadata.name, { metadata: { annotations: { [SELECTED_NODE]: node } } });
      return;
    }
    const rt = this.ctx.registry.byApiVersionKind('v1', 'Pod')!;
    const next = clone(pod);
    (next.spec as O).nodeName = node;
    next.status = { ...obj(next.status), conditions: setCondition(obj(next.status).conditions, { type: 'PodScheduled', status: 'True' }) };
    // The binding subresource: not an update of the pod spec, so no validation of immutable fields.
    this.ctx.api.writeInternal(rt, next);
  }

  private claims(pod: K8sObject): ClaimVerdict {
    let node: string | undefined;
    for (const v of arr(obj(pod.spec).volumes).map(obj)) {
      const claim = obj(v.persistentVolumeClaim).claimName;
      if (!claim) continue;
      const pvc = this.ctx.store.get('/persistentvolumeclaims', pod.metadata.namespace, String(claim));
      if (!pvc) return { kind: 'prefilter', message: `persistentvolumeclaim "${claim}" not found` };
      const selected = pvc.metadata.annotations?.[SELECTED_NODE];
      if (obj(pvc.status).phase === 'Bound') {
        // A provisioned local volume lives on the node it was provisioned for.
        if (selected) node = selected;
        continue;
      }
      const sc = this.ctx.store.get('storage.k8s.io/storageclasses', undefined, String(obj(pvc.spec).storageClassName ?? ''));
      if (obj(sc).volumeBindingMode === 'WaitForFirstConsumer' && !pvc.metadata.deletionTimestamp) {
        return selected ? { kind: 'wait' } : { kind: 'provision', claim: pvc };
      }
      return { kind: 'prefilter', message: 'pod has unbound immediate PersistentVolumeClaims' };
    }
    return { kind: 'ok', node };
  }

  private unschedulable(pod: K8sObject, message: string): void {
    this.ctx.client('default-scheduler').patchStatus(pod, {
      conditions: setCondition(obj(pod.status).conditions, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }),
    });
    this.ctx.events.record(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler', 'Scheduling');
  }

  /**
   * A pod that named its node skipped the scheduler: the kubelet there admits it or rejects it
   * (phase Failed, reason OutOf<resource>). False while it should not start (no such node, rejected).
   */
  admit(pod: K8sObject): boolean {
    if (condition(pod, 'PodScheduled')) return true;
    const nodeName = String(obj(pod.spec).nodeName);
    const node = this.ctx.store.get('/nodes', undefined, nodeName);
    // No kubelet will ever look at it: Pending with no conditions, as upstream.
    if (!node) return false;
    const rejection = kubeletRejection(pod, node, this.podsOn(pod)(nodeName));
    if (!rejection) return true;
    this.ctx.client('kubelet').patchStatus(pod, { phase: 'Failed', reason: rejection.reason, message: rejection.message });
    this.ctx.events.record(pod, 'Warning', rejection.reason, rejection.message.replace(/^Pod was rejected: /, ''), 'kubelet');
    return false;
  }

  /** Where the kubelet runs: the node's InternalIP and a pod address from its podCIDR. */
  addresses(pod: K8sObject, serial: number): { hostIP: string; podIP: string } {
    const node = this.ctx.store.peek('/nodes', undefined, String(obj(pod.spec).nodeName));
    const hostIP = String(arr(obj(node?.status).addresses).map(obj).find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.10');
    const cidr = String(obj(node?.spec).podCIDR ?? '10.244.1.0/24');
    const prefix = cidr.replace(/\.0\/\d+$/, '');
    return { hostIP, podIP: `${prefix}.${(serial % 250) + 2}` };
  }
}

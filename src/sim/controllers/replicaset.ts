/**
 * ReplicaSet controller: keeps spec.replicas Pods (named <rs>-<5 chars>) from the template,
 * owned by the ReplicaSet, and reports replicas/ready/available counts. Failed pod creations
 * (e.g. a terminating namespace) show up as a ReplicaFailure condition, as upstream.
 */
import type { K8sObject } from '../../core/object.js';
import { ApiError } from '../errors.js';
import { clone, obj } from '../util.js';
import { fresh, isControlledBy, ownerRef, podReady, podTerminal, setCondition } from './helpers.js';
import { PodOwnerController } from './pod-owner.js';

const RS_KEY = 'apps/replicasets';

export class ReplicaSetController extends PodOwnerController {
  readonly name = 'replicaset';
  protected readonly ownerKey = RS_KEY;
  protected readonly ownerKind = 'ReplicaSet';

  protected reconcile(eventRs: K8sObject): void {
    const rs = fresh(this.ctx, eventRs);
    if (!rs) return;
    if (rs.metadata.deletionTimestamp) return;
    const ns = rs.metadata.namespace!;
    const spec = obj(rs.spec);
    const desired = Number(spec.replicas ?? 1);
    const pods = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, rs) && !podTerminal(p));
    const alive = pods.filter((p) => !p.metadata.deletionTimestamp);
    let failure: string | undefined;
    if (alive.length < desired) {
      for (let i = alive.length; i < desired; i++) {
        try {
          const pod = this.client.create(podFromTemplate(rs, { generateName: `${rs.metadata.name}-` }));
          this.ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
        } catch (e) {
          failure = e instanceof ApiError ? e.message : String(e);
          this.ctx.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${failure}`, 'replicaset-controller');
          break;
        }
      }
    } else if (alive.length > desired) {
      // Scale down not-ready pods first, like the real controller's ranking.
      const victims = [...alive].sort((a, b) => Number(podReady(a)) - Number(podReady(b))).slice(0, alive.length - desired);
      for (const p of victims) {
        this.client.delete('v1', 'Pod', ns, p.metadata.name);
        this.ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'replicaset-controller');
      }
    }
    const now = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, rs) && !podTerminal(p) && !p.metadata.deletionTimestamp);
    const ready = now.filter(podReady).length;
    const status: Record<string, unknown> = {
      replicas: now.length,
      fullyLabeledReplicas: now.length,
      readyReplicas: ready,
      availableReplicas: ready,
      terminatingReplicas: this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, rs) && p.metadata.deletionTimestamp).length,
      observedGeneration: rs.metadata.generation,
    };
    const prev = obj(rs.status).conditions;
    status.conditions = failure
      ? setCondition(prev, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure })
      : Array.isArray(prev)
        ? (prev as Record<string, unknown>[]).filter((c) => c.type !== 'ReplicaFailure')
        : undefined;
    if (Array.isArray(status.conditions) && status.conditions.length === 0) status.conditions = null;
    this.client.patchStatus(rs, status);
  }
}

/** A Pod from a workload's template, owned by the workload; controllers name it `{ generateName: '<owner>-' }` except StatefulSets. */
export function podFromTemplate(owner: K8sObject, naming: { name: string } | { generateName: string }, extraLabels: Record<string, string> = {}): K8sObject {
  const template = clone(obj(obj(owner.spec).template));
  const meta = obj(template.metadata);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...('name' in naming ? { name: naming.name } : { name: '', generateName: naming.generateName }),
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels as Record<string, string> | undefined), ...extraLabels },
      ...(meta.annotations ? { annotations: meta.annotations as Record<string, string> } : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: clone(obj(template.spec)),
  };
}

/**
 * DaemonSet controller: one Pod on every Node the template's nodeSelector/affinity selects and
 * whose NoSchedule/NoExecute taints it tolerates (GPU nodes only take daemons that tolerate
 * nvidia.com/gpu), with the usual status counts.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { obj, stableHash } from '../util.js';
import { fresh, isControlledBy, podReady, podTerminal } from './helpers.js';
import { podFromTemplate } from './replicaset.js';
import { matchesNodeSelection, untoleratedTaint } from '../scheduler.js';
import { PodOwnerController } from './pod-owner.js';

const KEY = 'apps/daemonsets';

export class DaemonSetController extends PodOwnerController {
  readonly name = 'daemonset';
  protected readonly ownerKey = KEY;
  protected readonly ownerKind = 'DaemonSet';

  override onEvent(e: StoreEvent): void {
    // A new node needs its daemon pod.
    if (e.storageKey === '/nodes') this.resync();
    super.onEvent(e);
  }

  protected reconcile(eventDs: K8sObject): void {
    const ds = fresh(this.ctx, eventDs);
    if (!ds) return;
    if (ds.metadata.deletionTimestamp) return;
    const ns = ds.metadata.namespace!;
    const template = obj(obj(obj(ds.spec).template).spec);
    const nodes = this.ctx.store
      .list('/nodes')
      .filter((n) => matchesNodeSelection(template, n) && !untoleratedTaint(template, n))
      .map((n) => n.metadata.name);
    const hash = stableHash(JSON.stringify(obj(ds.spec).template), 10);
    const pods = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, ds) && !p.metadata.deletionTimestamp);
    for (const node of nodes) {
      const onNode = pods.filter((p) => obj(p.spec).nodeName === node);
      if (onNode.length === 0) {
        const pod = podFromTemplate(ds, { generateName: `${ds.metadata.name}-` }, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) });
        // DaemonSet pods target their node directly (upstream does it through node affinity).
        obj(pod.spec).nodeName = node;
        try {
          this.client.create(pod);
        } catch (e) {
          this.ctx.events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`, 'daemonset-controller');
        }
      } else if (onNode.some(podTerminal) || (onNode.every(podReady) && onNode[0].metadata.labels?.['controller-revision-hash'] !== hash)) {
        this.client.delete('v1', 'Pod', ns, onNode[0].metadata.name);
      }
    }
    const live = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, ds) && !p.metadata.deletionTimestamp);
    const ready = live.filter(podReady).length;
    this.client.patchStatus(ds, {
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: nodes.length,
      currentNumberScheduled: live.length,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      numberUnavailable: nodes.length - ready || null,
      updatedNumberScheduled: live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length,
    });
  }
}

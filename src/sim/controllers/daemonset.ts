/** DaemonSet controller: one Pod per Node (the simulator has one by default), with the usual status counts. */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { obj, randomSuffix, stableHash } from '../util.js';
import type { Client } from './client.js';
import { controllerOf, fresh, isControlledBy, podReady, podTerminal } from './helpers.js';
import { podFromTemplate } from './replicaset.js';
import type { Controller, ControllerContext } from './types.js';

const KEY = 'apps/daemonsets';

export class DaemonSetController implements Controller {
  readonly name = 'daemonset';
  private ctx!: ControllerContext;
  private client!: Client;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kube-controller-manager');
    this.resync();
  }

  resync(): void {
    for (const ds of this.ctx.store.list(KEY)) this.reconcile(ds);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === KEY && e.type !== 'DELETED') this.reconcile(e.object);
    if (e.storageKey === '/nodes') this.resync();
    if (e.storageKey === '/pods') {
      const ref = controllerOf(e.object);
      if (ref?.kind !== 'DaemonSet') return;
      const ds = this.ctx.store.get(KEY, e.object.metadata.namespace, String(ref.name));
      if (ds && ds.metadata.uid === ref.uid) this.reconcile(ds);
    }
  }

  private reconcile(eventDs: K8sObject): void {
    const ds = fresh(this.ctx, eventDs);
    if (!ds) return;
    if (ds.metadata.deletionTimestamp) return;
    const ns = ds.metadata.namespace!;
    const nodes = this.ctx.store.list('/nodes').map((n) => n.metadata.name);
    const hash = stableHash(JSON.stringify(obj(ds.spec).template), 10);
    const pods = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, ds) && !p.metadata.deletionTimestamp);
    for (const node of nodes) {
      const onNode = pods.filter((p) => obj(p.spec).nodeName === node);
      if (onNode.length === 0) {
        const pod = podFromTemplate(ds, `${ds.metadata.name}-${randomSuffix()}`, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) });
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

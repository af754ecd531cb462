/**
 * DaemonSet controller: one Pod on every Node the template's nodeSelector/affinity selects and
 * whose NoSchedule/NoExecute taints it tolerates (GPU nodes only take daemons that tolerate
 * nvidia.com/gpu), with the usual status counts. As upstream, each pod is pinned to its node by
 * required node affinity on metadata.name and placed by the scheduler, with the daemon tolerations
 * (not-ready, unreachable, pressure, unschedulable) added.
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
      const onNode = pods.filter((p) => targetNode(p) === node);
      if (onNode.length === 0) {
        const pod = podFromTemplate(ds, { generateName: `${ds.metadata.name}-` }, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) });
        pinToNode(obj(pod.spec), node);
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

const DAEMON_TOLERATIONS: [string, string][] = [
  ['node.kubernetes.io/not-ready', 'NoExecute'],
  ['node.kubernetes.io/unreachable', 'NoExecute'],
  ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
  ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
  ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
  ['node.kubernetes.io/unschedulable', 'NoSchedule'],
];

/** The node a daemon pod is for: where it runs, or where its affinity pins it while pending. */
function targetNode(pod: K8sObject): string | undefined {
  const spec = obj(pod.spec);
  if (spec.nodeName) return String(spec.nodeName);
  const terms = obj(obj(obj(obj(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution)).nodeSelectorTerms;
  const field = (Array.isArray(terms) ? terms : []).flatMap((t) => (Array.isArray(obj(t).matchFields) ? (obj(t).matchFields as unknown[]) : [])).map(obj).find((f) => f.key === 'metadata.name');
  return Array.isArray(field?.values) ? String(field.values[0]) : undefined;
}

function pinToNode(spec: Record<string, any>, node: string): void {
  spec.affinity = { ...obj(spec.affinity), nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } };
  const tolerations: Record<string, unknown>[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const [key, effect] of DAEMON_TOLERATIONS) if (!tolerations.some((t) => t.key === key && t.effect === effect)) tolerations.push({ key, operator: 'Exists', effect });
  spec.tolerations = tolerations;
}

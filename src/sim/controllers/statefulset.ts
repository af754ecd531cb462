/**
 * StatefulSet controller: Pods <sts>-0..N-1 with stable names and per-ordinal PVCs from
 * volumeClaimTemplates (<template>-<sts>-<ordinal>), created in order (OrderedReady waits for the
 * previous pod to be Ready), scaled down from the highest ordinal, and rolled from the highest
 * ordinal when the template changes.
 */
import type { K8sObject } from '../../core/object.js';
import { arr, clone, obj, stableHash } from '../util.js';
import { fresh, isControlledBy, podReady, podTerminal } from './helpers.js';
import { podFromTemplate } from './replicaset.js';
import { PodOwnerController } from './pod-owner.js';

const KEY = 'apps/statefulsets';

export class StatefulSetController extends PodOwnerController {
  readonly name = 'statefulset';
  protected readonly ownerKey = KEY;
  protected readonly ownerKind = 'StatefulSet';

  protected reconcile(eventSts: K8sObject): void {
    const sts = fresh(this.ctx, eventSts);
    if (!sts) return;
    if (sts.metadata.deletionTimestamp) return;
    const ns = sts.metadata.namespace!;
    const name = sts.metadata.name;
    const spec = obj(sts.spec);
    const desired = Number(spec.replicas ?? 1);
    const revision = `${name}-${stableHash(JSON.stringify(spec.template), 10)}`;
    const ordered = spec.podManagementPolicy !== 'Parallel';
    const pods = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, sts));
    const byOrdinal = new Map<number, K8sObject>();
    for (const p of pods) byOrdinal.set(Number(p.metadata.name.slice(name.length + 1)), p);

    for (let i = 0; i < desired; i++) {
      const p = byOrdinal.get(i);
      if (!p) {
        this.createPod(sts, i, revision);
        if (ordered) break;
        continue;
      }
      if (podTerminal(p) && !p.metadata.deletionTimestamp) {
        this.client.delete('v1', 'Pod', ns, p.metadata.name);
        if (ordered) break;
      }
      if (ordered && !podReady(p)) break;
    }
    for (const [i, p] of byOrdinal) {
      if (i >= desired && !p.metadata.deletionTimestamp) {
        this.client.delete('v1', 'Pod', ns, p.metadata.name);
        if (ordered) break;
      }
    }
    // Rolling update: replace outdated pods one at a time from the highest ordinal, when all are ready.
    const current = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, sts));
    const allReady = current.length === desired && current.every(podReady);
    if (allReady) {
      const outdated = current
        .filter((p) => p.metadata.labels?.['controller-revision-hash'] !== revision)
        .sort((a, b) => b.metadata.name.localeCompare(a.metadata.name, undefined, { numeric: true }));
      if (outdated[0]) this.client.delete('v1', 'Pod', ns, outdated[0].metadata.name);
    }
    const live = current.filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(podReady).length;
    const updated = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
    this.client.patchStatus(sts, {
      observedGeneration: sts.metadata.generation,
      replicas: live.length,
      readyReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: updated === live.length ? revision : (obj(sts.status).currentRevision ?? revision),
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  private createPod(sts: K8sObject, ordinal: number, revision: string): void {
    const ns = sts.metadata.namespace!;
    const podName = `${sts.metadata.name}-${ordinal}`;
    const spec = obj(sts.spec);
    const selectorLabels = obj(obj(spec.selector).matchLabels) as Record<string, string>;
    const pod = podFromTemplate(sts, { name: podName }, {
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': podName,
      'apps.kubernetes.io/pod-index': String(ordinal),
    });
    const podSpec = obj(pod.spec);
    podSpec.hostname = podName;
    if (spec.serviceName) podSpec.subdomain = spec.serviceName;
    const volumes = arr(podSpec.volumes).map(obj);
    for (const tpl of arr(spec.volumeClaimTemplates).map(obj)) {
      const tplName = String(obj(tpl.metadata).name);
      const claimName = `${tplName}-${sts.metadata.name}-${ordinal}`;
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claimName, namespace: ns, labels: { ...selectorLabels, ...(obj(obj(tpl.metadata).labels) as Record<string, string>) } },
        spec: clone(obj(tpl.spec)),
      });
      const i = volumes.findIndex((v) => v.name === tplName);
      const vol = { name: tplName, persistentVolumeClaim: { claimName } };
      if (i >= 0) volumes[i] = vol;
      else volumes.push(vol);
    }
    if (volumes.length) podSpec.volumes = volumes;
    try {
      this.client.create(pod);
    } catch (e) {
      this.ctx.events.record(sts, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} failed error: ${(e as Error).message}`, 'statefulset-controller');
    }
  }
}

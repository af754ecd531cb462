/**
 * Volume provisioning and binding: a claim whose StorageClass exists gets a PersistentVolume and
 * becomes Bound (for WaitForFirstConsumer classes only once a pod was scheduled with it); without a
 * class it stays Pending with a ProvisioningFailed event. Also releases the pvc-protection
 * finalizer once no pod uses a deleted claim, and deletes dynamically provisioned volumes.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, obj } from '../util.js';
import type { Client } from './client.js';
import { fresh, podTerminal } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

const PVC = '/persistentvolumeclaims';
const PROTECTION = 'kubernetes.io/pvc-protection';

export class PvcController implements Controller {
  readonly name = 'persistentvolume';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly binding = new Set<string>();
  /** Informational events are recorded once per claim and reason, not on every pod change. */
  private readonly noted = new Set<string>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kube-controller-manager');
    this.resync();
  }

  resync(): void {
    for (const c of this.ctx.store.list(PVC)) this.reconcile(c);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === PVC) {
      if (e.type === 'DELETED') this.releaseVolume(e.object);
      else this.reconcile(e.object);
    }
    if (e.storageKey === '/pods' || e.storageKey === 'storage.k8s.io/storageclasses') {
      for (const c of this.ctx.store.list(PVC, e.storageKey === '/pods' ? e.object.metadata.namespace : undefined)) this.reconcile(c);
    }
  }

  private usedBy(claim: K8sObject): K8sObject[] {
    return this.ctx.store
      .list('/pods', claim.metadata.namespace)
      .filter((p) => !podTerminal(p) && arr(obj(p.spec).volumes).some((v) => obj(obj(v).persistentVolumeClaim).claimName === claim.metadata.name));
  }

  private reconcile(eventClaim: K8sObject): void {
    const claim = fresh(this.ctx, eventClaim);
    if (!claim) return;
    if (claim.metadata.deletionTimestamp) {
      const fins = (claim.metadata.finalizers as string[] | undefined) ?? [];
      if (fins.includes(PROTECTION) && this.usedBy(claim).length === 0) {
        const rest = fins.filter((f) => f !== PROTECTION);
        this.client.patch('v1', 'PersistentVolumeClaim', claim.metadata.namespace, claim.metadata.name, { metadata: { finalizers: rest.length ? rest : null } });
      }
      return;
    }
    if (obj(claim.status).phase === 'Bound') return;
    const spec = obj(claim.spec);
    const scName = spec.storageClassName;
    const rule = this.ctx.scripts.match(claim);
    if (scName === undefined || scName === '') {
      // No class and no matching pre-provisioned volume: Pending forever, as upstream.
      this.note(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', 'persistentvolume-controller');
      return;
    }
    const sc = this.ctx.store.get('storage.k8s.io/storageclasses', undefined, String(scName));
    if (!sc) {
      this.note(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${scName}" not found`, 'persistentvolume-controller');
      return;
    }
    if (rule?.outcome === 'fail' || rule?.outcome === 'stuck') {
      if (rule.outcome === 'fail') {
        this.note(claim, 'Warning', 'ProvisioningFailed', rule.message ?? `failed to provision volume with StorageClass "${scName}": simulated provisioning failure`, String(obj(sc).provisioner ?? 'provisioner'));
      }
      return;
    }
    if (obj(sc).volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata.annotations?.['volume.kubernetes.io/selected-node']) {
      if (this.usedBy(claim).length === 0) {
        this.note(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', 'persistentvolume-controller');
      }
      return;
    }
    const key = String(claim.metadata.uid);
    if (this.binding.has(key)) return;
    this.binding.add(key);
    this.ctx.after(this.ctx.timing.pvcBindMs + (rule?.delayMs ?? 0), () => {
      this.binding.delete(key);
      const cur = this.ctx.store.get(PVC, claim.metadata.namespace, claim.metadata.name);
      if (cur && cur.metadata.uid === claim.metadata.uid && !cur.metadata.deletionTimestamp) this.bind(cur, sc);
    });
  }

  private note(claim: K8sObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const key = `${claim.metadata.uid}/${reason}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.ctx.events.record(claim, type, reason, message, component);
  }

  private bind(claim: K8sObject, sc: K8sObject): void {
    const spec = obj(claim.spec);
    const pvName = `pvc-${claim.metadata.uid}`;
    const storage = String(obj(obj(spec.resources).requests).storage ?? '1Gi');
    const provisioner = String(obj(sc).provisioner ?? 'rancher.io/local-path');
    this.client.ensure({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
      spec: {
        capacity: { storage },
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: obj(sc).reclaimPolicy ?? 'Delete',
        storageClassName: spec.storageClassName,
        volumeMode: spec.volumeMode ?? 'Filesystem',
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim.metadata.name, namespace: claim.metadata.namespace, uid: claim.metadata.uid },
        hostPath: { path: `/var/local-path-provisioner/${pvName}_${claim.metadata.namespace}_${claim.metadata.name}`, type: 'DirectoryOrCreate' },
      },
    });
    const pv = this.client.get('v1', 'PersistentVolume', undefined, pvName);
    if (pv) this.client.patchStatus(pv, { phase: 'Bound' });
    this.client.patch('v1', 'PersistentVolumeClaim', claim.metadata.namespace, claim.metadata.name, {
      metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.beta.kubernetes.io/storage-provisioner': provisioner, 'volume.kubernetes.io/storage-provisioner': provisioner } },
      spec: { volumeName: pvName },
    });
    const fresh = this.ctx.store.get(PVC, claim.metadata.namespace, claim.metadata.name);
    if (fresh) this.client.patchStatus(fresh, { phase: 'Bound', accessModes: spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage } });
  }

  private releaseVolume(claim: K8sObject): void {
    const pvName = obj(claim.spec).volumeName;
    if (!pvName) return;
    const pv = this.client.get('v1', 'PersistentVolume', undefined, String(pvName));
    if (!pv) return;
    if (obj(pv.spec).persistentVolumeReclaimPolicy === 'Delete') this.client.delete('v1', 'PersistentVolume', undefined, String(pvName));
    else this.client.patchStatus(pv, { phase: 'Released' });
  }
}

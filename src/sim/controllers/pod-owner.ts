/**
 * The informer wiring every pod-owning workload controller (ReplicaSet, StatefulSet, DaemonSet,
 * Job) shares: reconcile an owner when it changes, and when one of the Pods it controls changes.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import type { Client } from './client.js';
import { controllerOf } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export abstract class PodOwnerController implements Controller {
  abstract readonly name: string;
  /** Storage key of the owner resource, e.g. "apps/replicasets". */
  protected abstract readonly ownerKey: string;
  protected abstract readonly ownerKind: string;
  protected ctx!: ControllerContext;
  protected client!: Client;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kube-controller-manager');
    this.resync();
  }

  resync(): void {
    for (const o of this.ctx.store.list(this.ownerKey)) this.reconcile(o);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === this.ownerKey && e.type !== 'DELETED') this.reconcile(e.object);
    // A pod creation refused for a missing ServiceAccount is retried once it exists (upstream: requeue with backoff).
    if (e.storageKey === '/serviceaccounts' && e.type === 'ADDED') {
      for (const o of this.ctx.store.list(this.ownerKey, e.object.metadata.namespace)) this.reconcile(o);
      return;
    }
    if (e.storageKey !== '/pods') return;
    const ref = controllerOf(e.object);
    if (ref?.kind !== this.ownerKind) return;
    const owner = this.ctx.store.get(this.ownerKey, e.object.metadata.namespace, String(ref.name));
    if (owner && owner.metadata.uid === ref.uid) this.reconcile(owner);
  }

  protected abstract reconcile(owner: K8sObject): void;
}

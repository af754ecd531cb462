/**
 * The shape every scripted operator shares: it reconciles the resources it watches only while the
 * upstream Deployments that do the work are Available (found by name, in any namespace unless
 * given), re-examines everything when one of them changes, and writes with its own field manager.
 * A new operator is a subclass naming those and implementing reconcile().
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import type { Client } from './client.js';
import { deploymentAvailable, findDeployment, fresh } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export interface OperatorDeployment {
  name: string;
  namespace?: string;
}

export abstract class OperatorController implements Controller {
  abstract readonly name: string;
  /** Field manager of the operator's writes (as the real one reports it in managedFields). */
  protected abstract readonly manager: string;
  /** Deployments that must be Available for anything to happen. */
  protected abstract readonly operators: OperatorDeployment[];
  /** Storage keys of the resources reconciled, e.g. "cert-manager.io/certificates" ("/secrets" for core). */
  protected abstract readonly watches: string[];
  protected ctx!: ControllerContext;
  protected client!: Client;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client(this.manager);
    this.resync();
  }

  protected running(): boolean {
    return this.operators.every((d) => deploymentAvailable(findDeployment(this.client, d.name, d.namespace)));
  }

  resync(): void {
    if (!this.running()) return;
    // scan: no copies of objects this operator has no business with (large CRDs, for one).
    for (const key of this.watches) for (const o of this.ctx.store.scan(key)) if (this.interested(o)) this.reconcileFresh(o as K8sObject);
  }

  /** Cheap pre-filter on the stored object (default: everything watched). */
  protected interested(_o: Readonly<K8sObject>): boolean {
    return true;
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === 'apps/deployments' && this.operators.some((d) => d.name === e.object.metadata.name && (!d.namespace || d.namespace === e.object.metadata.namespace))) {
      this.resync();
      return;
    }
    if (this.watches.includes(e.storageKey) && e.type !== 'DELETED' && this.interested(e.object) && this.running()) this.reconcileFresh(e.object);
    this.onOtherEvent?.(e);
  }

  /** Events outside `watches` (e.g. a Secret an issued Certificate depends on). */
  protected onOtherEvent?(e: StoreEvent): void;

  private reconcileFresh(o: K8sObject): void {
    const current = fresh(this.ctx, o);
    if (current && !current.metadata.deletionTimestamp) this.reconcile(current);
  }

  protected abstract reconcile(o: K8sObject): void;
}

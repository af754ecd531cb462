/**
 * CRD controller: accepts names (NamesAccepted) at once, marks the CRD Established after
 * timing.crdEstablishMs (about a second by default) and only then serves its resources (discovery
 * and REST); on deletion removes every custom resource
 * before releasing the customresourcecleanup finalizer, then stops serving.
 */
import type { K8sObject } from '../../core/object.js';
import { CRD_CLEANUP } from '../lifecycle.js';
import { customResourceTypes } from '../resources.js';
import type { StoreEvent } from '../store.js';
import { obj } from '../util.js';
import type { Client } from './client.js';
import { conditionTrue, fresh, setCondition } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

const KEY = 'apiextensions.k8s.io/customresourcedefinitions';

export class CrdController implements Controller {
  readonly name = 'crd';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly registered = new Map<string, unknown>();
  private readonly establishing = new Set<string>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kube-apiserver');
    for (const crd of ctx.store.list(KEY)) this.reconcile(crd);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === KEY) {
      if (e.type === 'DELETED') {
        this.ctx.registry.setCustom(e.object.metadata.name, []);
        this.registered.delete(e.object.metadata.name);
      }
      else this.reconcile(e.object);
      return;
    }
    // A custom resource of a terminating CRD went away.
    if (e.type === 'DELETED') {
      const name = this.ctx.registry.byStorageKey(e.storageKey)?.crd?.crdName;
      const crd = name ? this.ctx.store.peek(KEY, undefined, name) : undefined;
      if (crd?.metadata.deletionTimestamp) this.cleanup(crd as K8sObject);
    }
  }

  private reconcile(eventCrd: K8sObject): void {
    const crd = fresh(this.ctx, eventCrd);
    if (!crd) return;
    if (crd.metadata.deletionTimestamp) {
      this.cleanup(crd);
      return;
    }
    const spec = obj(crd.spec);
    const names = obj(spec.names);
    const conflict = this.ctx.store
      .scan(KEY)
      .find((c) => c.metadata.name !== crd.metadata.name && obj(c.spec).group === spec.group && obj(obj(c.spec).names).kind === names.kind);
    if (conflict) {
      this.client.patchStatus(crd, {
        conditions: setCondition(obj(crd.status).conditions, { type: 'NamesAccepted', status: 'False', reason: 'KindConflict', message: `"${names.kind}" is already in use` }),
      });
      return;
    }
    if (conditionTrue(crd, 'Established')) {
      // Already served: pick up spec changes (new versions, schema edits) right away. Only on a new
      // generation, so status updates do not recompile large schemas.
      if (this.registered.get(crd.metadata.name) !== crd.metadata.generation) {
        this.registered.set(crd.metadata.name, crd.metadata.generation);
        this.ctx.registry.setCustom(crd.metadata.name, customResourceTypes(crd));
      }
      return;
    }
    // The naming controller answers at once; serving (Established, discovery) follows after a delay.
    if (!conditionTrue(crd, 'NamesAccepted')) this.acceptNames(crd);
    const name = crd.metadata.name;
    if (this.establishing.has(name)) return;
    this.establishing.add(name);
    this.ctx.after(this.ctx.timing.crdEstablishMs, () => {
      this.establishing.delete(name);
      this.establish(name);
    });
  }

  private acceptNames(crd: K8sObject): void {
    const conditions = setCondition(obj(crd.status).conditions, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
    this.client.patchStatus(crd, { acceptedNames: acceptedNames(crd), conditions });
  }

  private establish(name: string): void {
    const crd = this.ctx.store.get(KEY, undefined, name);
    if (!crd || crd.metadata.deletionTimestamp || conditionTrue(crd, 'Established')) return;
    let conditions = setCondition(obj(crd.status).conditions, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
    conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    // Serve before reporting Established, so a client that waits for the condition can use it at once.
    this.ctx.registry.setCustom(name, customResourceTypes(crd));
    this.registered.set(name, crd.metadata.generation);
    this.client.patchStatus(crd, { acceptedNames: acceptedNames(crd), conditions });
  }

  private cleanup(crd: K8sObject): void {
    const types = customResourceTypes(crd);
    const rt = types.find((t) => t.preferred) ?? types[0];
    let remaining = 0;
    if (rt) {
      for (const o of this.ctx.store.list(rt.storageKey)) {
        remaining++;
        if (o.metadata.deletionTimestamp) continue;
        try {
          this.ctx.api.delete(rt, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Background' }, { fieldManager: 'kube-apiserver' });
        } catch {
          // Raced with another deletion.
        }
      }
    }
    if (remaining > 0) return;
    const fins = ((crd.metadata.finalizers as string[] | undefined) ?? []).filter((f) => f !== CRD_CLEANUP);
    try {
      this.client.patch('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, crd.metadata.name, { metadata: { finalizers: fins.length ? fins : null } });
    } catch {
      // Gone already.
    }
  }
}

function acceptedNames(crd: K8sObject): Record<string, unknown> {
  const names = obj(obj(crd.spec).names);
  const accepted: Record<string, unknown> = {
    plural: names.plural,
    singular: names.singular ?? String(names.kind).toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
  };
  if (names.shortNames) accepted.shortNames = names.shortNames;
  if (names.categories) accepted.categories = names.categories;
  return accepted;
}

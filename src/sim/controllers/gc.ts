/**
 * Garbage collector: dependents (by ownerReferences uid) are deleted once no owner remains
 * (background), deleted first while the owner waits with the foregroundDeletion finalizer
 * (foreground), or released by removing the ownerReference (orphan finalizer).
 */
import type { K8sObject } from '../../core/object.js';
import { FOREGROUND, ORPHAN } from '../lifecycle.js';
import type { StoreEvent } from '../store.js';
import { arr, obj } from '../util.js';
import type { Client } from './client.js';
import type { Controller, ControllerContext } from './types.js';

interface Ref {
  storageKey: string;
  namespace?: string;
  name: string;
}

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private ctx!: ControllerContext;
  private client!: Client;
  /** uid -> where the object lives. */
  private readonly byUid = new Map<string, Ref>();
  /** owner uid -> dependents' uids. */
  private readonly dependents = new Map<string, Set<string>>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('generic-garbage-collector');
    for (const key of ctx.store.storageKeys()) for (const o of ctx.store.list(key)) this.index(key, o, undefined);
  }

  onEvent(e: StoreEvent): void {
    const o = e.object;
    if (e.type === 'DELETED') {
      this.unindex(o);
      this.ownerGone(o);
      this.dependentGone(o);
      return;
    }
    this.index(e.storageKey, o, e.previous);
    if (o.metadata.deletionTimestamp) {
      const fins = (o.metadata.finalizers as string[] | undefined) ?? [];
      if (fins.includes(ORPHAN)) this.orphan(e.storageKey, o);
      if (fins.includes(FOREGROUND)) this.foreground(e.storageKey, o);
    }
    if (e.type === 'ADDED') this.deleteIfDangling(e.storageKey, o);
  }

  private index(storageKey: string, o: K8sObject, previous: K8sObject | undefined): void {
    const uid = String(o.metadata.uid);
    this.byUid.set(uid, { storageKey, namespace: o.metadata.namespace, name: o.metadata.name });
    for (const r of refs(previous)) this.dependents.get(String(r.uid))?.delete(uid);
    for (const r of refs(o)) {
      const set = this.dependents.get(String(r.uid)) ?? new Set<string>();
      set.add(uid);
      this.dependents.set(String(r.uid), set);
    }
  }

  private unindex(o: K8sObject): void {
    const uid = String(o.metadata.uid);
    this.byUid.delete(uid);
    for (const r of refs(o)) this.dependents.get(String(r.uid))?.delete(uid);
  }

  private load(uid: string): { ref: Ref; o: K8sObject } | undefined {
    const ref = this.byUid.get(uid);
    if (!ref) return undefined;
    const o = this.ctx.store.get(ref.storageKey, ref.namespace, ref.name);
    return o && o.metadata.uid === uid ? { ref, o } : undefined;
  }

  private dependentsOf(owner: K8sObject): { ref: Ref; o: K8sObject }[] {
    return [...(this.dependents.get(String(owner.metadata.uid)) ?? [])].map((u) => this.load(u)).filter((x): x is { ref: Ref; o: K8sObject } => !!x);
  }

  private deleteDependent(ref: Ref, o: K8sObject, policy: 'Background' | 'Foreground'): void {
    const rt = this.ctx.registry.byStorageKey(ref.storageKey);
    if (!rt || o.metadata.deletionTimestamp) return;
    try {
      this.ctx.api.delete(rt, o.metadata.namespace, o.metadata.name, { propagationPolicy: policy }, { fieldManager: 'generic-garbage-collector' });
    } catch {
      // Already gone or blocked: the next event retries.
    }
  }

  private ownerGone(owner: K8sObject): void {
    for (const { ref, o } of this.dependentsOf(owner)) {
      const remaining = refs(o).filter((r) => r.uid !== owner.metadata.uid && this.load(String(r.uid)));
      if (remaining.length) this.setOwnerRefs(ref, o, remaining);
      else this.deleteDependent(ref, o, 'Background');
    }
    this.dependents.delete(String(owner.metadata.uid));
  }

  /** A deleted dependent may be what a foreground-deleting owner waits for. */
  private dependentGone(o: K8sObject): void {
    for (const r of refs(o)) {
      const owner = this.load(String(r.uid));
      if (owner?.o.metadata.deletionTimestamp && ((owner.o.metadata.finalizers as string[] | undefined) ?? []).includes(FOREGROUND)) {
        this.foreground(owner.ref.storageKey, owner.o);
      }
    }
  }

  private orphan(storageKey: string, owner: K8sObject): void {
    for (const { ref, o } of this.dependentsOf(owner)) this.setOwnerRefs(ref, o, refs(o).filter((r) => r.uid !== owner.metadata.uid));
    this.removeFinalizer(storageKey, owner, ORPHAN);
  }

  private foreground(storageKey: string, owner: K8sObject): void {
    const deps = this.dependentsOf(owner);
    for (const { ref, o } of deps) this.deleteDependent(ref, o, 'Foreground');
    if (this.dependentsOf(owner).length === 0) this.removeFinalizer(storageKey, owner, FOREGROUND);
  }

  private deleteIfDangling(storageKey: string, o: K8sObject): void {
    const rs = refs(o);
    if (rs.length === 0) return;
    // Owners usually exist before their dependents; give same-request creations a tick.
    this.ctx.after(1, () => {
      const current = this.load(String(o.metadata.uid));
      if (!current) return;
      const alive = refs(current.o).some((r) => this.load(String(r.uid)));
      if (!alive) this.deleteDependent({ storageKey, namespace: o.metadata.namespace, name: o.metadata.name }, current.o, 'Background');
    });
  }

  private setOwnerRefs(ref: Ref, o: K8sObject, next: Record<string, unknown>[]): void {
    const rt = this.ctx.registry.byStorageKey(ref.storageKey);
    if (!rt) return;
    try {
      this.client.api.patch(rt, o.metadata.namespace, o.metadata.name, 'merge', JSON.stringify({ metadata: { ownerReferences: next.length ? next : null } }), { fieldManager: 'generic-garbage-collector' });
    } catch {
      // The dependent changed or vanished; a later event retries.
    }
  }

  private removeFinalizer(storageKey: string, o: K8sObject, finalizer: string): void {
    const rt = this.ctx.registry.byStorageKey(storageKey);
    const fins = ((o.metadata.finalizers as string[] | undefined) ?? []).filter((f) => f !== finalizer);
    if (!rt) return;
    try {
      this.client.api.patch(rt, o.metadata.namespace, o.metadata.name, 'merge', JSON.stringify({ metadata: { finalizers: fins.length ? fins : null } }), { fieldManager: 'generic-garbage-collector' });
    } catch {
      // Gone already.
    }
  }
}

function refs(o: K8sObject | undefined): Record<string, unknown>[] {
  return o ? arr(o.metadata.ownerReferences).map(obj) : [];
}

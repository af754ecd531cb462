/**
 * Namespace controller: gives new namespaces their `default` ServiceAccount and kube-root-ca.crt
 * ConfigMap, and empties terminating namespaces: deletes every namespaced object, waits until
 * all are gone (finalizers included), then removes the `kubernetes` finalizer so the namespace
 * itself disappears.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { obj } from '../util.js';
import type { Client } from './client.js';
import { setCondition } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export interface NamespaceControllerOptions {
  /** Create the default ServiceAccount and kube-root-ca.crt ConfigMap in new namespaces (default true). */
  defaultObjects?: boolean;
}

export class NamespaceController implements Controller {
  readonly name = 'namespace';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly pending = new Set<string>();

  constructor(private readonly opts: NamespaceControllerOptions = {}) {}

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kube-controller-manager');
    if (this.opts.defaultObjects !== false) ctx.api.admission.defaultServiceAccount = (ns) => this.ensureDefaultServiceAccount(ns);
    for (const ns of ctx.store.list('/namespaces')) this.seedDefaults(ns);
  }

  stop(): void {
    this.ctx.api.admission.defaultServiceAccount = undefined;
  }

  /** What the service account controller would have done by the time the admission plugin looks again. */
  private ensureDefaultServiceAccount(namespace: string): boolean {
    const ns = this.ctx.store.peek('/namespaces', undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return false;
    try {
      return !!this.client.ensure({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    } catch {
      return false;
    }
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === '/namespaces') {
      if (e.type === 'ADDED') this.seedDefaults(e.object);
      if (e.type !== 'DELETED' && e.object.metadata.deletionTimestamp) this.schedule(e.object.metadata.name);
      return;
    }
    // Something inside a terminating namespace went away: maybe it was the last thing.
    const ns = e.object.metadata.namespace;
    if (e.type === 'DELETED' && ns && this.pending.has(ns)) this.schedule(ns);
  }

  resync(): void {
    for (const ns of this.ctx.store.list('/namespaces')) if (ns.metadata.deletionTimestamp) this.schedule(ns.metadata.name);
  }

  private seedDefaults(ns: K8sObject): void {
    if (this.opts.defaultObjects === false || ns.metadata.deletionTimestamp) return;
    const name = ns.metadata.name;
    try {
      this.ctx.client('kube-controller-manager').ensure({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
      this.ctx.client('kube-controller-manager').ensure({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIBsimulatedk8sCA\n-----END CERTIFICATE-----\n' },
      });
    } catch {
      // The namespace may already be terminating.
    }
  }

  private schedule(ns: string): void {
    this.pending.add(ns);
    this.ctx.after(0, () => this.reconcile(ns));
  }

  private reconcile(name: string): void {
    const ns = this.ctx.store.get('/namespaces', undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) {
      this.pending.delete(name);
      return;
    }
    let remaining = 0;
    const withFinalizers: string[] = [];
    const seen = new Set<string>();
    for (const rt of this.ctx.registry.all()) {
      // One pass per storage: core and events.k8s.io Events are the same objects.
      if (!rt.namespaced || !rt.preferred || seen.has(rt.storageKey)) continue;
      seen.add(rt.storageKey);
      for (const o of this.ctx.store.list(rt.storageKey, name)) {
        remaining++;
        const fins = (o.metadata.finalizers as string[] | undefined) ?? [];
        if (fins.length) withFinalizers.push(...fins);
        if (o.metadata.deletionTimestamp) continue;
        try {
          this.ctx.api.delete(rt, name, o.metadata.name, { propagationPolicy: 'Background' }, { fieldManager: 'namespace-controller' });
        } catch {
          // Already going away.
        }
      }
    }
    if (remaining > 0) {
      const conditions = setCondition(obj(ns.status).conditions, {
        type: 'NamespaceContentRemaining',
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${remaining} objects`,
      });
      const withFin = withFinalizers.length
        ? setCondition(conditions, { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...new Set(withFinalizers)].join(', ')}` })
        : conditions;
      this.client.patchStatus(ns, { conditions: withFin });
      return;
    }
    this.pending.delete(name);
    const rt = this.ctx.registry.byStorageKey('/namespaces')!;
    const spec = obj(ns.spec);
    const fins = ((spec.finalizers as string[] | undefined) ?? []).filter((f) => f !== 'kubernetes');
    const body = { ...ns, spec: { ...spec, finalizers: fins } };
    try {
      this.ctx.api.update(rt, undefined, name, body, { fieldManager: 'namespace-controller' }, 'finalize');
    } catch {
      this.schedule(name);
    }
  }
}

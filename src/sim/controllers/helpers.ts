/** Helpers shared by controllers: owner references, conditions, readiness checks. */
import type { K8sObject } from '../../core/object.js';
import { arr, isObj, k8sTime, obj } from '../util.js';
import type { Client } from './client.js';

export function ownerRef(owner: K8sObject, controller = true): Record<string, unknown> {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller, blockOwnerDeletion: true };
}

export function controllerOf(o: K8sObject): Record<string, unknown> | undefined {
  return arr(o.metadata.ownerReferences)
    .map(obj)
    .find((r) => r.controller === true);
}

export function isControlledBy(o: K8sObject, owner: K8sObject): boolean {
  return controllerOf(o)?.uid === owner.metadata.uid;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  [key: string]: unknown;
}

/**
 * Returns the list with `c` set: lastTransitionTime moves only when the status changes, as
 * controllers do (readiness checks compare it across polls).
 */
export function setCondition(list: unknown, c: Condition, opts: { updateTime?: boolean; observedGeneration?: number } = {}): Record<string, unknown>[] {
  const conds = arr(list).map((x) => ({ ...obj(x) }));
  const now = k8sTime();
  const i = conds.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? conds[i] : undefined;
  const next: Record<string, unknown> = { type: c.type, status: c.status };
  if (opts.observedGeneration !== undefined) next.observedGeneration = opts.observedGeneration;
  if (opts.updateTime) next.lastUpdateTime = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message ? prev.lastUpdateTime : now;
  next.lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : now;
  if (c.reason !== undefined) next.reason = c.reason;
  if (c.message !== undefined) next.message = c.message;
  for (const [k, v] of Object.entries(c)) if (!(k in next)) next[k] = v;
  if (i >= 0) conds[i] = next;
  else conds.push(next);
  return conds;
}

export function condition(o: K8sObject | undefined, type: string): Record<string, unknown> | undefined {
  if (!o) return undefined;
  return arr(obj(o.status).conditions)
    .map(obj)
    .find((c) => c.type === type);
}

export function conditionTrue(o: K8sObject | undefined, type: string): boolean {
  return condition(o, type)?.status === 'True';
}

export function podReady(p: K8sObject): boolean {
  return !p.metadata.deletionTimestamp && conditionTrue(p, 'Ready');
}

export function podTerminal(p: K8sObject): boolean {
  const phase = obj(p.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The first waiting/terminated problem of a pod's containers, as a workload controller would surface it. */
export function podProblem(p: K8sObject): { reason: string; message: string } | undefined {
  for (const s of [...arr(obj(p.status).initContainerStatuses), ...arr(obj(p.status).containerStatuses)].map(obj)) {
    const w = obj(obj(s.state).waiting);
    if (w.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing') return { reason: String(w.reason), message: String(w.message ?? '') };
  }
  const sched = condition(p, 'PodScheduled');
  if (sched?.status === 'False') return { reason: String(sched.reason ?? 'Unschedulable'), message: String(sched.message ?? '') };
  return undefined;
}

export function deploymentAvailable(d: K8sObject | undefined): boolean {
  if (!d || d.metadata.deletionTimestamp) return false;
  const status = obj(d.status);
  return conditionTrue(d, 'Available') && Number(status.observedGeneration ?? 0) >= Number(d.metadata.generation ?? 0);
}

/** Finds a Deployment by name in a namespace, or in any namespace when namespace is undefined. */
export function findDeployment(client: Client, name: string, namespace?: string): K8sObject | undefined {
  if (namespace) return client.get('apps/v1', 'Deployment', namespace, name);
  return client.list('apps/v1', 'Deployment').find((d) => d.metadata.name === name);
}

export function labelsMatch(selector: Record<string, unknown>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export function mustObj(v: unknown): Record<string, any> {
  return isObj(v) ? (v as Record<string, any>) : {};
}

/**
 * The current stored version of an object (undefined when gone or replaced). Controllers act on
 * this, not on the event payload: several queued events for one object carry older versions, and
 * status computed from them would flap.
 */
export function fresh(ctx: { api: { registry: { byApiVersionKind(a: string, k: string): { storageKey: string; namespaced: boolean } | undefined } }; store: { get(key: string, ns: string | undefined, name: string): K8sObject | undefined } }, o: K8sObject): K8sObject | undefined {
  const rt = ctx.api.registry.byApiVersionKind(o.apiVersion, o.kind);
  if (!rt) return undefined;
  const cur = ctx.store.get(rt.storageKey, rt.namespaced ? o.metadata.namespace : undefined, o.metadata.name);
  if (!cur || cur.metadata.uid !== o.metadata.uid) return undefined;
  // Stored objects carry the storage version; callers compare and write at the served one.
  cur.apiVersion = o.apiVersion;
  return cur;
}

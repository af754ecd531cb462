/**
 * Deletion semantics: preconditions, propagation policies (which become the orphan /
 * foregroundDeletion finalizers the garbage collector acts on), graceful pod deletion, namespaces
 * and CRDs that clean up their contents first, and the rule that an object marked for deletion
 * goes away the moment its last finalizer is removed.
 */
import type { K8sObject } from '../core/object.js';
import type { ApiServer, RequestOptions } from './api.js';
import { conflict, forbidden, notFound, type Status } from './errors.js';
import type { ResourceType } from './resources.js';
import { clone, k8sTime, obj } from './util.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteResult {
  /** The object (pods, custom resources, anything still terminating) ... */
  object?: K8sObject;
  /** ... or a Success status for immediately deleted built-ins. */
  status?: Status;
}

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';
export const CRD_CLEANUP = 'customresourcecleanup.apiextensions.k8s.io';
const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function defaultPolicy(rt: ResourceType): PropagationPolicy {
  // batch/v1 Jobs still orphan their pods by default (kubectl always sends Background).
  return rt.kind === 'Job' ? 'Orphan' : 'Background';
}

export function deleteObject(api: ApiServer, rt: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions, opts: RequestOptions): DeleteResult {
  const old = api.store.get(rt.storageKey, rt.namespaced ? namespace : undefined, name);
  if (!old) throw notFound(rt, name);
  const pre = options.preconditions ?? {};
  if (pre.uid && pre.uid !== old.metadata.uid) {
    throw conflict(rt, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(rt, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
  }
  if (rt.kind === 'Namespace' && PROTECTED_NAMESPACES.has(name)) throw forbidden(rt, name, 'this namespace may not be deleted');
  const dryRun = !!(options.dryRun || opts.dryRun);
  api.admission.webhooks({ operation: 'DELETE', rt, namespace, name, oldObject: old, dryRun }, 'validating');

  let policy = options.propagationPolicy;
  if (!policy && options.orphanDependents !== undefined) policy = options.orphanDependents ? 'Orphan' : 'Background';
  if (!policy) {
    policy = defaultPolicy(rt);
    if (rt.kind === 'Job') {
      opts.warnings?.push('child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning');
    }
  }

  const existing = (old.metadata.finalizers as string[] | undefined) ?? [];
  if (old.metadata.deletionTimestamp) {
    // Already terminating: only a forced (grace 0) delete of a pod shortens it.
    if (options.gracePeriodSeconds === 0 && Number(old.metadata.deletionGracePeriodSeconds ?? 0) > 0) {
      const next = clone(old);
      next.metadata.deletionGracePeriodSeconds = 0;
      if (dryRun) return { object: api.present(rt, next) };
      if (existing.length === 0) return removed(api, rt, old);
      return { object: api.present(rt, api.writeInternal(rt, next)) };
    }
    return { object: api.present(rt, old) };
  }

  const finalizers = [...existing];
  if (policy === 'Foreground' && !finalizers.includes(FOREGROUND)) finalizers.push(FOREGROUND);
  if (policy === 'Orphan' && !finalizers.includes(ORPHAN)) finalizers.push(ORPHAN);
  if (rt.kind === 'CustomResourceDefinition' && !finalizers.includes(CRD_CLEANUP)) finalizers.push(CRD_CLEANUP);

  let grace = 0;
  if (rt.kind === 'Pod') {
    const spec = obj(old.spec);
    const phase = obj(old.status).phase;
    const requested = options.gracePeriodSeconds ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30);
    // Unscheduled or finished pods have no kubelet to wait for.
    if (spec.nodeName && phase !== 'Succeeded' && phase !== 'Failed') grace = Math.max(0, requested);
  }
  const nsFinalizers = rt.kind === 'Namespace' ? ((obj(old.spec).finalizers as string[] | undefined) ?? []) : [];

  if (finalizers.length === 0 && grace === 0 && nsFinalizers.length === 0) {
    if (dryRun) return result(api, rt, old);
    return removed(api, rt, old);
  }

  const next = clone(old);
  const now = Date.now();
  next.metadata.deletionTimestamp = k8sTime(new Date(now + grace * 1000));
  next.metadata.deletionGracePeriodSeconds = grace;
  if (finalizers.length) next.metadata.finalizers = finalizers;
  if (rt.generation && Number(next.metadata.generation ?? 0) > 0) next.metadata.generation = Number(next.metadata.generation) + 1;
  if (rt.kind === 'Namespace') next.status = { ...obj(next.status), phase: 'Terminating' };
  if (rt.kind === 'CustomResourceDefinition') {
    const status = obj(next.status);
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => obj(c).type !== 'Terminating');
    conditions.push({ type: 'Terminating', status: 'True', lastTransitionTime: k8sTime(), reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
    next.status = { ...status, conditions };
  }
  if (dryRun) return { object: api.present(rt, next) };
  return { object: api.present(rt, api.writeInternal(rt, next)) };
}

function result(api: ApiServer, rt: ResourceType, o: K8sObject): DeleteResult {
  if (rt.returnDeletedObject) return { object: api.present(rt, o) };
  const details: Record<string, unknown> = { name: o.metadata.name };
  if (rt.group) details.group = rt.group;
  details.kind = rt.plural;
  details.uid = o.metadata.uid;
  return { status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 } as unknown as Status };
}

function removed(api: ApiServer, rt: ResourceType, o: K8sObject): DeleteResult {
  const last = api.removeInternal(rt, o) ?? o;
  return result(api, rt, last);
}

/** After an update: a terminating object without finalizers (and no grace period left) is gone. */
export function finishDeletionIfDone(api: ApiServer, rt: ResourceType, o: K8sObject): K8sObject | undefined {
  if (!o.metadata.deletionTimestamp) return undefined;
  if (((o.metadata.finalizers as string[] | undefined) ?? []).length) return undefined;
  if (Number(o.metadata.deletionGracePeriodSeconds ?? 0) > 0) return undefined;
  if (rt.kind === 'Namespace' && ((obj(o.spec).finalizers as string[] | undefined) ?? []).length) return undefined;
  return api.removeInternal(rt, o);
}
